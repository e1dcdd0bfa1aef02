"""Evidence of one scenario: a browser context that records a trace (always), and on failure a
screenshot and a video. Secrets never enter the trace: the adapter pauses it while it types one."""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page

from recette.preuves import masquer_fichier
from recette.reseau import Politique, contexte_garde

TAILLE_ECRAN = {"width": 1280, "height": 800}


def slug(texte: str, longueur: int = 80) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    propre = re.sub(r"[^A-Za-z0-9]+", "-", sans_accents).strip("-").lower()
    return propre[:longueur].strip("-") or "scenario"


@dataclass
class Capture:
    """One scenario's browser context and the files it leaves in `dossier`: the trace always;
    on failure a screenshot, the video and the network log (HAR)."""

    contexte: BrowserContext
    page: Page
    dossier: Path
    dossier_video: Path
    morceaux: list[Path] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    # French refusals of the requests the profile's hosts do not allow, as they happen.
    requetes_bloquees: list[str] = field(default_factory=list)
    _trace_active: bool = True

    @classmethod
    def ouvrir(
        cls, navigateur: Browser, dossier: Path, *, politique: Politique, video: bool = True
    ) -> Capture:
        dossier.mkdir(parents=True, exist_ok=True)
        dossier_video = dossier / ".video"
        options = {
            "viewport": TAILLE_ECRAN,
            "locale": "fr-FR",
            "timezone_id": "Europe/Paris",
            # The network log a vendor replays a failure from; bodies left out to stay small.
            "record_har_path": str(dossier_video / "reseau.har"),
            "record_har_content": "omit",
        }
        if video:
            options["record_video_dir"] = str(dossier_video)
            options["record_video_size"] = TAILLE_ECRAN
        contexte, bloquees = contexte_garde(navigateur, politique, **options)
        contexte.tracing.start(screenshots=True, snapshots=True, sources=False)
        contexte.tracing.start_chunk(title=dossier.name)
        page = contexte.new_page()
        return cls(contexte, page, dossier, dossier_video, requetes_bloquees=bloquees)

    def _prochain_morceau(self) -> Path:
        nom = "trace.zip" if not self.morceaux else f"trace-{len(self.morceaux) + 1}.zip"
        chemin = self.dossier / nom
        self.morceaux.append(chemin)
        return chemin

    def suspendre_trace(self) -> None:
        """Close the current trace chunk to a file, so that what follows (a secret being typed and
        posted) is recorded nowhere."""
        if self._trace_active:
            self.contexte.tracing.stop_chunk(path=str(self._prochain_morceau()))
            self._trace_active = False

    def reprendre_trace(self) -> None:
        if not self._trace_active:
            self.contexte.tracing.start_chunk(title=f"{self.dossier.name}-{len(self.morceaux) + 1}")
            self._trace_active = True

    def fermer(self, echec: bool) -> list[Path]:
        """Returns the evidence files kept."""
        gardes: list[Path] = []
        if echec:
            capture = self.dossier / "capture-echec.png"
            try:
                self.page.screenshot(path=str(capture), full_page=True)
                gardes.append(capture)
            except Exception:  # the page may be gone; the trace still tells the story
                pass
        if self._trace_active:
            self.contexte.tracing.stop_chunk(path=str(self._prochain_morceau()))
            self._trace_active = False
        self.contexte.tracing.stop()
        video = self.page.video
        self.contexte.close()
        # Playwright records a posted form in the network log when its response ends, which
        # may fall in the chunk after the pause: mask the secrets typed, file by file.
        traces = [p for p in self.morceaux if p.exists()]
        for trace in traces:
            masquer_fichier(trace, self.secrets)
        gardes.extend(traces)
        har = self.dossier_video / "reseau.har"
        if echec and har.exists():
            cible = self.dossier / "reseau.har"
            shutil.move(har, cible)
            masquer_fichier(cible, self.secrets)
            gardes.append(cible)
        if video is not None:
            source = Path(video.path())
            if echec and source.exists():
                cible = self.dossier / "video.webm"
                shutil.move(source, cible)
                gardes.append(cible)
        shutil.rmtree(self.dossier_video, ignore_errors=True)
        if self.requetes_bloquees:
            # Evidence whatever the outcome: the solution asked for a host the profile does
            # not allow, and the bench did not send it.
            bloquees = self.dossier / "requetes-bloquees.txt"
            bloquees.write_text(
                "Requêtes du navigateur bloquées par le banc (hôte non autorisé par le profil) :\n"
                + "".join(f"- {message}\n" for message in self.requetes_bloquees),
                encoding="utf-8",
            )
            masquer_fichier(bloquees, self.secrets)
            gardes.append(bloquees)
        return gardes
