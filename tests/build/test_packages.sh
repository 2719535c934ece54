# The Debian packages `make deps` installs must cover everything the build
# really includes and links, so that a fresh machine can build apterm.
# For every header the compiler reads (cc -M over every source) and every
# library the link line names (-lX resolved as the linker would), the Debian
# package owning the file must be in the Makefile's list or be a hard
# dependency (Depends/Pre-Depends, followed recursively) of one in it: a
# package that is merely present on this machine does not count. This is how
# libxlsxwriter's undeclared need of zlib1g-dev (-lz) was missed once.
# Environment (from `make test`): CC, PACKAGE_CFLAGS, PACKAGE_LIBS, DEBS.
. tests/lib.sh

name="every header and library the build uses comes from a package make deps installs"
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "ok - $name # SKIP not a Debian system (no dpkg-query)"
    exit 0
fi
: "${CC:=cc}" "${PACKAGE_CFLAGS:?}" "${PACKAGE_LIBS:?}" "${DEBS:?}"

# owner FILE: the package that installed FILE (usrmerge: try both spellings).
owner() {
    f=$(realpath -s "$1")
    for p in "$f" "${f#/usr}" "/usr$f"; do
        o=$(dpkg-query -S "$p" 2>/dev/null | head -n1 | cut -d: -f1)
        [ -n "$o" ] && { echo "$o"; return 0; }
    done
    return 1
}

# The hard-dependency closure of $DEBS among installed packages.
closure() {
    todo=$DEBS seen=" "
    while [ -n "$(echo $todo)" ]; do
        next=""
        for p in $todo; do
            case "$seen" in *" $p "*) continue ;; esac
            seen="$seen$p "
            deps=$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$p" 2>/dev/null |
                   tr ',|' '\n\n' | sed 's/(.*)//; s/:any//; s/ //g' | grep -v '^$')
            next="$next $deps"
        done
        todo=$next
    done
    echo "$seen"
}
allowed=$(closure)

files=$(mktemp "$TEST_DIR/files.XXXXXX")
# shellcheck disable=SC2086
$CC -M $PACKAGE_CFLAGS src/*.c db/*.c ui/*.c tests/unit/*.c 2>"$TEST_DIR/cc.err" |
    tr ' \\' '\n\n' | grep '^/' | sort -u >"$files" || true
if [ ! -s "$files" ]; then
    not_ok "$name" "cc -M found no headers" "$(cat "$TEST_DIR/cc.err")"
    exit 0
fi
for flag in $PACKAGE_LIBS; do
    case "$flag" in
        -l*) lib=${flag#-l}
             path=$($CC -print-file-name="lib$lib.so")
             [ "$path" = "lib$lib.so" ] && path=$($CC -print-file-name="lib$lib.a")
             echo "$path" >>"$files" ;;
    esac
done

missing="" named=" "
while read -r f; do
    f=$(realpath -s "$f")
    pkg=$(owner "$f") || { missing="$missing
$f: no Debian package owns it"; continue; }
    # A library the link line names must come from a package named in the
    # list itself: the linker needs its .so, whatever depends on what today.
    ok_set=$allowed
    case "$f" in *.so|*.a) ok_set=" $DEBS " ;; esac
    case "$ok_set$named" in
        *" $pkg "*) ;;
        *) named="$named$pkg "
           missing="$missing
$f comes from $pkg, which make deps does not install: add $pkg to the Makefile's BUILD_DEBS" ;;
    esac
done <"$files"

if [ -z "$missing" ]; then ok "$name ($(wc -l <"$files") files)"
else not_ok "$name" "$missing"; fi
