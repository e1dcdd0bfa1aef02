#!/usr/bin/env bash
# Installe tout ce dont le banc a besoin sur une machine Debian neuve : paquets système
# (Chromium, ffmpeg, bibliothèques de WeasyPrint, poppler, Java pour Allure, PostgreSQL pour les
# tests de la couche de données sur un vrai serveur), l'environnement
# Python (.venv) et le générateur Allure (node_modules). Idempotent : relancer ne casse rien.
set -euo pipefail
cd "$(dirname "$0")/.."

paquets=(chromium ffmpeg poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
         fonts-dejavu-core postgresql)
command -v java >/dev/null 2>&1 || paquets+=(openjdk-17-jre-headless)
command -v npm >/dev/null 2>&1 || paquets+=(nodejs npm)
manquants=()
for paquet in "${paquets[@]}"; do
  dpkg -s "$paquet" >/dev/null 2>&1 || manquants+=("$paquet")
done
if [ ${#manquants[@]} -gt 0 ]; then
  echo "Installation des paquets système : ${manquants[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${manquants[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --upgrade pip 2>&1 | grep -v WARNING || true
.venv/bin/pip install -q -e '.[dev]' 2>&1 | grep -v WARNING || true
.venv/bin/python -c "import recette, playwright, pytest_bdd, allure_pytest_bdd" \
  || { echo "Erreur : l'installation Python a échoué." >&2; exit 1; }
npm install --no-audit --no-fund --silent >/dev/null 2>&1 \
  || { echo "Erreur : npm install (générateur Allure) a échoué." >&2; exit 1; }
.venv/bin/python -c "from recette.navigateur import preparer_ffmpeg; preparer_ffmpeg()"
echo "Installation terminée."
