#!/usr/bin/env bash
# Installs what jixiao needs on a Debian/Ubuntu machine: system packages (when run as root and
# they are missing) and a virtual environment at .venv with the project and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  poppler-utils            # pdf2image rasterises through pdftoppm
  fonts-noto-cjk           # CJK fonts for the synthetic corpus and XLSX/pages
  fonts-arphic-uming fonts-wqy-zenhei fonts-wqy-microhei
  tesseract-ocr tesseract-ocr-chi-sim   # the peer pipeline in `jixiao bench`
  chromium                 # the review page's browser tests; prints the browser corpus
  redis-server postgresql  # the scaled-out mode's services, for its tests
  libreoffice-calc libreoffice-writer   # prints XLSX/DOCX uploads for the reviewer's crops,
                                        # and the office corpus (`jixiao synth --engine office`)
)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing system packages (install them as root): ${missing[*]}" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev,peer,paddle]"
# paddleocr and img2table bring their own OpenCV wheels, which all unpack into the same cv2/
# folder; the one installed last wins. Reinstalling the headless contrib build last makes the
# OpenCV every module imports the same on every machine.
cv_version=$(.venv/bin/python -m pip show opencv-contrib-python-headless | awk '/^Version:/{print $2}')
.venv/bin/python -m pip install -q --force-reinstall --no-deps "opencv-contrib-python-headless==${cv_version}"
echo "installed: $(.venv/bin/jixiao --help >/dev/null && echo 'jixiao ready in .venv')"
