#!/bin/sh
# make pristine: proves the README's two commands on a pristine Debian 12.
# Builds a `debootstrap --variant=minbase` bookworm chroot holding only make,
# git and ca-certificates, clones this repository's committed HEAD into /root
# as a new user would, and runs there, as root, `make run` (in a terminal
# made by script(1); it must open the pupil roll, and q must quit with 0) and
# then `make test`, then `make install`, a team's set-up (an officer works
# through apterm, cannot open the store with sqlite3), `man apterm` and
# `make uninstall`. Needs root, network access to the Debian mirror, and
# about 2 GB in PRISTINE_DIR (default /var/tmp/apterm-pristine). Set
# PRISTINE_BASE to a tarball of an earlier minbase chroot to skip debootstrap.
set -u
[ "$(id -u)" = 0 ] || { echo "make pristine needs root (debootstrap, chroot and mount)" >&2; exit 2; }
repo=$(git rev-parse --show-toplevel) || exit 2
dir=${PRISTINE_DIR:-/var/tmp/apterm-pristine}
# The first Debian mirror apt uses here (deb822 or one-line form), else Debian's own.
mirror=${PRISTINE_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p; s/^deb  *\(http[^ ]*\/debian\) .*/\1/p' | head -n1)}
: "${mirror:=http://deb.debian.org/debian}"

unmount_all() {
    for m in dev/pts dev proc sys mnt/apterm; do
        mountpoint -q "$dir/$m" 2>/dev/null && umount -l "$dir/$m"
    done
}
trap unmount_all EXIT INT TERM

unmount_all
rm -rf "$dir" && mkdir -p "$dir" || exit 1
if [ -n "${PRISTINE_BASE:-}" ]; then
    echo "== unpacking $PRISTINE_BASE"
    tar -C "$dir" -xzf "$PRISTINE_BASE" || exit 1
else
    command -v debootstrap >/dev/null 2>&1 || apt-get install -y -q debootstrap || exit 1
    echo "== debootstrap bookworm from $mirror into $dir"
    debootstrap --variant=minbase --include=make,git,ca-certificates bookworm "$dir" "$mirror" \
        >"$dir.debootstrap.log" 2>&1 || { tail -n 20 "$dir.debootstrap.log"; exit 1; }
fi
cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null
mkdir -p "$dir/mnt/apterm"
mount -t proc proc "$dir/proc" && mount --bind /dev "$dir/dev" && mount --bind /dev/pts "$dir/dev/pts" &&
    mount -t sysfs sys "$dir/sys" && mount --bind -o ro "$repo" "$dir/mnt/apterm" || exit 1

in_chroot() { chroot "$dir" env -i HOME=/root TERM=xterm-256color PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 /bin/sh -c "$1"; }

echo "== git clone into /root/apterm (HEAD: $(git -C "$repo" log -1 --format='%h %s'))"
in_chroot 'git clone -q /mnt/apterm /root/apterm' || exit 1

echo "== make run (q once the pupil roll is on screen)"
# script(1) gives make run a terminal (-f: the log is written as it comes,
# so the roll is seen as soon as it is drawn); q is typed once it is.
in_chroot 'cd /root/apterm && rm -f run.log /root/keys && mkfifo /root/keys || exit 1
    { i=0; while [ $i -lt 900 ] && ! grep -q "Pupil roll" run.log 2>/dev/null; do sleep 1; i=$((i+1)); done
      sleep 1; printf q; sleep 5; } >/root/keys &
    script -qefc "stty rows 24 cols 80; make run; echo MAKE_RUN_EXIT=\$?" run.log </root/keys >/dev/null; wait'
run_ok=0
if grep -q "Pupil roll" "$dir/root/apterm/run.log" && grep -q "MAKE_RUN_EXIT=0" "$dir/root/apterm/run.log"; then
    run_ok=1
    echo "make run: opened the pupil roll; q quit with exit status 0"
else
    echo "make run FAILED; the end of its terminal output:"
    tail -c 3000 "$dir/root/apterm/run.log" | tr -d '\033' | tail -n 30
fi

echo "== make test"
in_chroot 'cd /root/apterm && make test' >"$dir.test.log" 2>&1
test_rc=$?
grep -E '^(not ok|Failed:|  )' "$dir.test.log" | head -n 40
tail -n 1 "$dir.test.log"
echo "make test exited $test_rc; the whole log is $dir.test.log"

echo "== make install, a team's set-up, man apterm, make uninstall"
# As a team would: install, make the store and an officer, who can work
# through apterm but cannot open the store with sqlite3; then uninstall.
in_chroot 'set -e; cd /root/apterm; make install >/dev/null
    useradd -m pristine_officer
    apterm user add pristine_officer officer
    runuser -u pristine_officer -- apterm check >/dev/null 2>&1 || [ $? = 1 ]
    echo "an officer ran apterm check on the installed store"
    if runuser -u pristine_officer -- sqlite3 /var/lib/apterm/apterm.db "select count(*) from app_user" 2>/dev/null; then
        echo "FAILED: the officer opened the store with sqlite3"; exit 1; fi
    echo "the officer cannot open the store with sqlite3"
    man apterm 2>/dev/null | grep -q "apterm" && echo "man apterm shows the page"
    make uninstall >/dev/null; [ ! -e /usr/local/bin/apterm ] && [ -e /var/lib/apterm/apterm.db ] &&
        echo "make uninstall removed apterm and left the store"
    userdel -r pristine_officer 2>/dev/null' >"$dir.install.log" 2>&1
install_rc=$?
cat "$dir.install.log"
echo "install steps exited $install_rc"
[ "$run_ok" = 1 ] && [ "$test_rc" = 0 ] && [ "$install_rc" = 0 ]
