#!/usr/bin/env bash
# Installs and starts what the test suite needs beyond Python (filled in by the API and page work).
set -euo pipefail
exit 0
