#!/usr/bin/env bash
# Installs and starts what the test suite needs beyond Python. Run as root on a fresh Debian machine
# (CI) or again on a warm one: every section is idempotent and quick when its service already runs.
# Add a section as a function and call it from main at the bottom.
set -euo pipefail

APT_UPDATED=0
apt_install() {  # apt_install PACKAGE... : install what is missing, updating the lists at most once
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- PostgreSQL (API storage tests: tests/api, marker `postgres`) -------------------------------------
# Role advisor/advisor with CREATEDB on 127.0.0.1:5432; tests create and drop their own databases.
# URL: postgresql+psycopg://advisor:advisor@127.0.0.1:5432/postgres (override: ADVISOR_TEST_DATABASE_URL)
PG_ROLE=advisor
PG_PASSWORD=advisor
postgres_section() {
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        apt_install postgresql postgresql-client
        local ver
        ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
        pg_lsclusters -h | awk '{print $2}' | grep -qx main || pg_createcluster "$ver" main >/dev/null
        pg_ctlcluster "$ver" main start 2>/dev/null || pg_ctlcluster "$ver" main status >/dev/null
        for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
        pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { echo "services.sh: PostgreSQL did not start" >&2; exit 1; }
    fi
    local has_role
    has_role=$(runuser -u postgres -- psql -h /var/run/postgresql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_ROLE'")
    if [ "$has_role" != 1 ]; then
        runuser -u postgres -- psql -h /var/run/postgresql -q -c \
            "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
    fi
    echo "services.sh: PostgreSQL ready on 127.0.0.1:5432 (role $PG_ROLE)"
}

main() {
    postgres_section
}

main "$@"

# --- Chromium (help-desk page browser tests: tests/web, marker `browser`) --- appended by the page work --
# Debian's Chromium, driven by the PyPI `playwright` package (Playwright's own browser download is not
# reachable). A CJK font so that screenshots of the Chinese page are readable. Idempotent.
chromium_section() {
    [ -x /usr/bin/chromium ] || apt_install chromium
    apt_install fonts-wqy-microhei poppler-utils  # pdftotext: the printout test reads the PDF's pages
    echo "services.sh: Chromium ready at /usr/bin/chromium"
}
chromium_section

# --- axe-core (help-desk accessibility checks in tests/web, injected into the page by Playwright) -----------
# From npm into .cache/npm (git-ignored); tests/web/browser.py reads node_modules/axe-core/axe.min.js there.
axe_section() {
    local dir=.cache/npm
    [ -f "$dir/node_modules/axe-core/axe.min.js" ] && { echo "services.sh: axe-core ready"; return 0; }
    command -v npm >/dev/null || apt_install npm
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --silent axe-core@4 >/dev/null
    echo "services.sh: axe-core ready in $dir"
}
axe_section

# --- LibreOffice (filing packs rendered to PDF: tests/test_filing_pdf.py, marker `office`) --- filing work --
# Debian's headless Writer turns the DOCX packs into PDF; poppler-utils reads page size and text and draws
# PNG pages (kept under test-artifacts/). Debian has no 仿宋/黑体: LibreOffice substitutes a CJK font.
office_section() {
    apt_install libreoffice-writer-nogui poppler-utils fonts-wqy-microhei
    echo "services.sh: LibreOffice ready at $(command -v soffice)"
}
office_section
