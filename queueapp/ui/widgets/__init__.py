"""The main screen's widgets. Each draws the state it is given (``snapshot``, bound to
``QueueApp.snapshot`` through the screen) and nothing else."""

from queueapp.ui.widgets.attention import AttentionBox
from queueapp.ui.widgets.footer import StandFooter
from queueapp.ui.widgets.header import StandHeader
from queueapp.ui.widgets.party_panel import PartyPanel
from queueapp.ui.widgets.tables import TablesPanel
from queueapp.ui.widgets.waiting import WaitingList

__all__ = ["AttentionBox", "PartyPanel", "StandFooter", "StandHeader", "TablesPanel", "WaitingList"]
