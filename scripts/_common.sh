# Shared helpers for the scripts in this folder. Source it; do not run it.
# Every function assumes the current directory is the repository root.

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# ensure_venv REQUIREMENTS_FILE
# Creates .venv with Python 3.11 if it is missing, then installs the
# requirements file. A stamp (hash of the file and of requirements.txt, which
# the dev file includes) skips pip when nothing changed since the last install.
ensure_venv() {
    local req="$1" py stamp want
    if [ ! -x .venv/bin/python ]; then
        if command -v python3.11 >/dev/null 2>&1; then
            py=python3.11
        elif command -v python3 >/dev/null 2>&1; then
            py=python3
        else
            die "Python 3.11 is needed: neither python3.11 nor python3 is on PATH."
        fi
        case "$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" in
            3.11) ;;
            *) log "warning: $py is Python $("$py" -V 2>&1); the project targets 3.11." ;;
        esac
        log "Creating .venv with $py"
        "$py" -m venv .venv || die "Could not create .venv (on Debian: apt-get install python3-venv)."
        .venv/bin/python -m pip install --quiet --upgrade pip
    fi
    stamp=".venv/.installed-$(basename "$req").sha256"
    want="$(cat "$req" requirements.txt | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "Installing $req into .venv"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
        echo "$want" >"$stamp"
    fi
    # The Spanish catalogue is committed as locale/es/LC_MESSAGES/django.po;
    # Django reads the compiled .mo, built here (polib, no gettext needed).
    .venv/bin/python scripts/i18n.py compile || die "Could not compile the translation catalogues."
}

# ensure_chromium: the browser tests drive Debian's /usr/bin/chromium.
ensure_chromium() {
    [ -x /usr/bin/chromium ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "Installing Debian's chromium (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq </dev/null
        apt-get install -y -qq chromium </dev/null >/dev/null
        [ -x /usr/bin/chromium ] || die "apt-get installed chromium but /usr/bin/chromium is still missing."
    else
        die "The browser tests need Chromium at /usr/bin/chromium. Install it with:
    sudo apt-get update && sudo apt-get install -y chromium
(this script installs it by itself only when run as root on Debian/Ubuntu)."
    fi
}

# ensure_lighthouse: the Lighthouse test (tests/browser/test_lighthouse.py)
# and bench/lighthouse.py run the Lighthouse pinned in tools/lighthouse/
# (package.json + package-lock.json) from tools/lighthouse/node_modules
# (gitignored). npm ci runs once; a stamp (hash of the lock file) skips it
# until the lock changes. About 20 s with npm's cache warm.
ensure_lighthouse() {
    local dir=tools/lighthouse stamp want
    stamp="$dir/node_modules/.installed-package-lock.sha256"
    want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
    lighthouse_installed() { [ -x "$dir/node_modules/.bin/lighthouse" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; }
    lighthouse_installed && return 0
    command -v npm >/dev/null 2>&1 || die "The Lighthouse test needs Node.js 18.16 or later with npm (on Debian: apt-get install nodejs npm)."
    # Two test runs starting together on one checkout must not both run npm ci
    # (each deletes node_modules first): the second waits, then finds it done.
    exec 9>"$dir/.install.lock"
    flock 9
    if ! lighthouse_installed; then
        log "Installing Lighthouse into $dir/node_modules (npm ci)"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci could not install Lighthouse in $dir."
        echo "$want" >"$stamp"
    fi
    flock -u 9
}

# ensure_debian_packages PACKAGE...: installs with apt-get those of the
# Debian packages not installed yet (as root on Debian/Ubuntu); otherwise
# stops, saying what to install. The cluster test (scripts/cluster_test.sh)
# needs iproute2, haproxy, pgbouncer and redis-sentinel.
ensure_debian_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "Installing Debian packages: ${missing[*]} (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq </dev/null
        apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null || die "apt-get could not install: ${missing[*]}"
    else
        die "Missing Debian packages: ${missing[*]}. Install them with:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
}

# demo_env: the demo's settings. A random SECRET_KEY is written into .env the
# first time and kept there (sessions and signed links survive a restart, and
# no key is ever published); links in e-mails and feeds point at the port the
# demo serves on, unless PORTAL_BASE_URL says otherwise.
demo_env() {
    if ! grep -qs '^SECRET_KEY=' .env; then
        (umask 077 && printf 'SECRET_KEY=%s\n' "$(od -An -N48 -tx1 /dev/urandom | tr -d ' \n')" >>.env)
        log "Wrote a new random SECRET_KEY into .env"
    fi
    export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://localhost:${PORT:-8000}}"
}
