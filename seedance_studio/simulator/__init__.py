"""A local, fault-injecting stand-in for every Seedance 2.0 provider's HTTP API."""

from seedance_studio.simulator.faults import Fault, FaultKind
from seedance_studio.simulator.jobs import Job, Outcome, Phase
from seedance_studio.simulator.simulator import Simulator
from seedance_studio.simulator.state import RecordedRequest
from seedance_studio.simulator.timing import SimTiming

__all__ = [
    "Fault",
    "FaultKind",
    "Job",
    "Outcome",
    "Phase",
    "RecordedRequest",
    "SimTiming",
    "Simulator",
]
