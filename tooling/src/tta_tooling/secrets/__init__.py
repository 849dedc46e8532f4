"""The secrets gate: detect-secrets over every tracked file and every artifact the gates
write, plus a detector for values stored under the sensitive names the API recorder
redacts (the list is shared with it). Findings name file, line and detector, never the
value; audited false positives live in detect-secrets' baseline format.

Modules: ``scanner`` (``scan``), ``config``, ``baseline``, ``names``, ``files``,
``structured``, ``workers`` and ``detection``. Nothing is imported here: detect-secrets
takes a large part of a second to import, and every ``tta-tooling secrets`` start
loads this package before it parses its arguments.
"""
