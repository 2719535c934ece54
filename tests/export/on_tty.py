"""Runs a command on a pseudo-terminal and prints everything it wrote there.

For the export and print tests: progress is shown only on a terminal, so a
plain pipe would never see it. Usage: on_tty.py PROGRAM ARG...
"""
import os
import pty
import sys


def read(fd):
    """One chunk of what the program wrote; b"" once it has ended (EIO)."""
    try:
        return os.read(fd, 65536)
    except OSError:
        return b""


pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])

data = b"".join(iter(lambda: read(fd), b""))
os.waitpid(pid, 0)
sys.stdout.write(data.decode("utf-8", "replace"))
