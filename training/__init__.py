"""Training pipeline: the corpus, its checks, model training and evaluation.

Depends on :mod:`triage`; nothing in :mod:`triage` imports this package except
the command line, inside the commands that need it.
"""
