"""COPNet's detection engine: plain Python, no Django (CI checks that no module imports it).

One small interface per signal type (see `base`): hash what you have, match it against an
index, explain the result. Implementations: `pdq` (perceptual image hashes), `exact` (MD5 and
SHA-256), `urls` (Safe Browsing canonicalisation and host-suffix/path-prefix lists), `text`
(Vietnamese/English harmful-text classifier). The Django side lives in `copnet.banks`.
"""
