"""MSP Démo: a small but real web application standing in for an MSP vendor's software.

It is a fixture of the recette bench (driven by Playwright through a vendor profile), not
the product. Start it with ``python -m demo_solution`` (see README.md).

Demo accounts (secrets come from environment variables, read when the app is created;
the defaults below are for the demo only):

=============  ==================  ==========================  ==========  ===============
identifiant    nom affiché         rôle                        carte CPS   secrets (défaut)
=============  ==================  ==========================  ==========  ===============
admin          Alice Bernard       administrateur fonctionnel  –           RECETTE_DEMO_MDP_ADMIN (admin-demo)
secretaire     Sophie Leroy        secrétaire médicale         –           RECETTE_DEMO_MDP_SECRETAIRE (secretaire-demo)
dr.durand      Dr Paul Durand      médecin généraliste         2100000001  RECETTE_DEMO_MDP_DURAND (durand-demo), RECETTE_DEMO_PIN_DURAND (1234)
dr.moreau      Dr Hélène Moreau    médecin généraliste         2100000002  RECETTE_DEMO_MDP_MOREAU (moreau-demo), RECETTE_DEMO_PIN_MOREAU (2345)
inf.petit      Marc Petit          infirmier                   2100000003  RECETTE_DEMO_MDP_PETIT (petit-demo), RECETTE_DEMO_PIN_PETIT (3456)
=============  ==================  ==========================  ==========  ===============
"""  # noqa: E501

from .application import ParametreInvalide, create_app
from .serveur import serve

__all__ = ["ParametreInvalide", "create_app", "serve"]
