"""Incident merging (并单): MinHash signatures with LSH bands, and the rule that two reports are one incident.

Pure Python and NumPy: the store (``service/store/linking.py``) keeps each ticket's signature and
membership, and links each new one through an :class:`IncidentIndex` read in from them.
"""

from .decision import Decision, Report, place_key, same_incident
from .index import IncidentIndex, Match
from .policy import IncidentPolicy
from .signatures import MinHasher, similarities, similarity

__all__ = ["Decision", "IncidentIndex", "IncidentPolicy", "Match", "MinHasher", "Report", "place_key",
           "same_incident", "similarities", "similarity"]
