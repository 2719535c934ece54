"""Runs a command on a pseudo-terminal and prints everything it wrote there.

For the export and print tests: progress is shown only on a terminal, so a
plain pipe would never see it. Usage: on_tty.py PROGRAM ARG...
"""
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
os.waitpid(pid, 0)
sys.stdout.write(data.decode("utf-8", "replace"))
