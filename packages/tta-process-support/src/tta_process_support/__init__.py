"""Low-level helpers the workspace's commands share, on the standard library alone.

- :mod:`tta_process_support.atomic`: files replaced in one rename, never half-written;
- :mod:`tta_process_support.input_files`: input files read within a size limit, with
  a one-line :class:`~tta_process_support.input_files.InputError` naming the file;
- :mod:`tta_process_support.child_lifetime`: children that die with the command that
  started them;
- :mod:`tta_process_support.arguments`: argparse types the command lines share;
- :mod:`tta_process_support.versions`: the version a distribution is installed at.

It imports no other workspace package, so every package may depend on it.
"""
