"""After triage: the states of a ticket and the actions between them, the units and who is above
whom, deadlines as people read them, and the ledger (台账). No database here: the service's store
keeps the states and their history."""

from .directory_units import DirectoryUnits
from .machine import ACTORS, NEEDS, SATISFACTION, Action, Machine
from .timing import OPEN_AT_UNIT, deadline_status, due_for_escalation
from .units import Directory, FileDirectory, Unit, within

__all__ = ["ACTORS", "NEEDS", "OPEN_AT_UNIT", "SATISFACTION", "Action", "Directory", "DirectoryUnits", "FileDirectory",
           "Machine", "Unit", "deadline_status", "due_for_escalation", "within"]
