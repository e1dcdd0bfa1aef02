"""The VSR: availability and response times judged the contract's way from probe samples.

Modules: ``echantillons`` (inputs), ``chronologie`` (samples → state timeline), ``maintenance``
(yearly allowance), ``plages`` (daily bands and day summaries), ``fin`` (the VSR's end date),
``temps_de_reponse`` (centiles and stability), ``jugement`` (all of it in one call);
``alertes`` and ``courriel`` detect and signal interruptions as samples arrive.
"""
