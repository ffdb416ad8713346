"""A local, fault-injecting stand-in for every Seedance 2.0 provider's HTTP API.

Provider clients are tested against a real HTTP server on 127.0.0.1 instead of paid accounts::

    with Simulator(timing=SimTiming(queued=0.2, running=0.5)) as sim:
        sim.base_url("shortapi")  # http://127.0.0.1:PORT/shortapi/api/v1
        sim.inject("shortapi", "create", Fault.http(429, retry_after=2))
        sim.count("shortapi", "create")

Or in another process: ``python -m seedance_studio.simulator --port 0 [--speed S]`` prints
``simulator listening on http://127.0.0.1:N`` and obeys ``/_sim/inject``, ``/_sim/counts``,
``/_sim/requests``, ``/_sim/jobs``, ``/_sim/outcome``, ``/_sim/configure``, ``/_sim/reset``
(see ``remote.RemoteSimulator`` and ``remote.SimulatorProcess``).

API keys: anything non-empty works except ``bad-key`` (401), ``broke-key`` (402 on create) and,
for Kinovi, ``noaccess-key`` (403). Counter names per provider: ``create``, ``query``,
``cancel`` (Oxen, eachlabs, fal, BytePlus), ``details``/``generate``/``model`` (Oxen),
``presign``/``upload``/``public`` (eachlabs), ``result``/``history``/``initiate``/``upload``/
``public`` (fal), ``list`` (BytePlus), ``download`` (result files, counted under the job's
provider), and for ``s3``: ``upload``/``download``/``head``/``delete``.

Reference media hosted here: ``sim.sample_url("clip_640x640_5s.mp4" | "image.png" |
"image_WxH.png" | "tone_3s.wav")``, job results at ``/files/<job>.mp4``, S3 objects, eachlabs
uploads. Any other own-host URL is accepted too unless ``configure("sim", strict_urls=True)``.
"""

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
