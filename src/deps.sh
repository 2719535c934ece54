#!/bin/sh
# Installs the Debian packages apterm needs when one is missing; does nothing
# when all are present. As root it runs apt-get; otherwise it prints the
# exact command to run and stops.
missing=""
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "apterm needs these Debian packages:$missing" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get install$missing" >&2
    exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || exit 1
# shellcheck disable=SC2086
apt-get install -y -q $missing || exit 1
