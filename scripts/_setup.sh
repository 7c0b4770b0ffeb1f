# Shared set-up for scripts/run and scripts/test: sourced, not run.
# Installs what MinkOps needs on a fresh Debian machine, and nothing when it is already there.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv"
# Debian packages: PostgreSQL's server binaries (private clusters), ffmpeg and espeak-ng (voice notes).
DEBIAN_PACKAGES=(postgresql ffmpeg espeak-ng)

have_postgres() {
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null
}

missing_debian_packages() {
    local missing=()
    have_postgres || missing+=(postgresql)
    command -v ffmpeg >/dev/null || missing+=(ffmpeg)
    command -v espeak-ng >/dev/null || missing+=(espeak-ng)
    echo "${missing[@]:-}"
}

ensure_system_packages() {
    local missing
    missing="$(missing_debian_packages)"
    [ -z "$missing" ] && return 0
    echo "setup: installing Debian packages: $missing" >&2
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: $missing" >&2; exit 1; }
        sudo="sudo"
    fi
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

ensure_venv() {
    local python="${PYTHON:-python3}"
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
        echo "setup: MinkOps needs Python 3.11 or newer ($python is $("$python" --version 2>&1))" >&2
        exit 1
    }
    [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
    # Reinstall only when the declared dependencies changed.
    local stamp="$VENV/.minkops-installed"
    local wanted
    wanted="$(cat "$REPO/setup.cfg" "$REPO/pyproject.toml" | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "setup: installing Python packages into $VENV" >&2
        "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
        "$VENV/bin/pip" install -q --disable-pip-version-check -e "$REPO[dev]"
        echo "$wanted" >"$stamp"
    fi
}
