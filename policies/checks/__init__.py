"""streamgen's checkov policies, loaded with ``--external-checks-dir policies/checks``.

checkov imports every ``.py`` file here as a top-level module named after the
file, so names carry the ``sg_`` prefix (never shadow a standard module).
"""
