"""Incident merging (并单): MinHash signatures with LSH bands, and the rule that two reports are one incident.

Pure Python and NumPy: the store (``service/store/incidents.py``) keeps signatures and bands and
applies :func:`same_incident` to each new ticket.
"""

from .decision import Decision, Report, place_key, same_incident
from .policy import IncidentPolicy
from .signatures import MinHasher, similarity

__all__ = ["Decision", "IncidentPolicy", "MinHasher", "Report", "place_key", "same_incident", "similarity"]
