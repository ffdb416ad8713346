"""Request bodies copied verbatim from the provider documents in /work/shared/providers."""

from __future__ import annotations

from typing import Any

SHORTAPI_MODEL = "bytedance/seedance-2.0/omni-reference"

# shortapi-omni-reference.txt, "Bash (cURL)" step 1.
SHORTAPI_CURL: dict[str, Any] = {
    "model": "bytedance/seedance-2.0/omni-reference",
    "args": {
        "prompt": "Replace the puppy in @Video 1 with the panda from @Image 1",
        "video_url": "https://file.shortapi.ai/assets/examples/bytedance/seedance-2.0/video-edit-video.mp4",
    },
    "callback_url": "CALLBACK_URL",
}

# seedance2pro-omni-reference.txt (older Kinovi schema), the four curl examples.
KINOVI_LEGACY_AT_N: dict[str, Any] = {
    "model": "seedance-20",
    "inputs": {
        "urls": [
            "https://seedance2-pro.com/landing/seedance2/cases/beat-sync/beat-sync-img-05.png",
            "https://seedance2-pro.com/landing/seedance2/cases/beat-sync/beat-sync-img-04.png",
        ],
        "prompt": "Scenic landscape images from @1 and @2, with beat-synced cuts between scenes, "
        "cinematic light shifts, and sweeping camera movements across the landscapes",
        "ratio": "16:9",
        "duration": "8s",
    },
}
KINOVI_LEGACY_CHARACTER: dict[str, Any] = {
    "model": "seedance-20",
    "inputs": {
        "urls": [
            "https://seedance2-pro.com/landing/seedance2/cases/consistency/consistency-row1-ref.png"
        ],
        "prompt": "This person @1 walking through a busy city street at golden hour, "
        "cinematic camera tracking shot",
        "ratio": "16:9",
        "duration": "5s",
    },
}
KINOVI_LEGACY_VIDEO: dict[str, Any] = {
    "model": "seedance-20",
    "inputs": {
        "videoUrls": ["https://example.com/dance-reference.mp4"],
        "prompt": "Recreate this dance sequence in a neon-lit studio, matching the choreography "
        "and camera angles",
        "ratio": "16:9",
        "duration": "5s",
    },
}
KINOVI_LEGACY_MIXED: dict[str, Any] = {
    "model": "seedance-20",
    "inputs": {
        "urls": [
            "https://seedance2-pro.com/landing/seedance2/cases/consistency/consistency-row3-ref.png"
        ],
        "videoUrls": ["https://example.com/action-reference.mp4"],
        "prompt": "This character @1 mimics the action from @2, smooth cinematic motion",
        "ratio": "16:9",
        "duration": "8s",
    },
}

# kinovi-omni-reference.txt has no curl sample: built from its parameter table and prompt table.
KINOVI_REFERENCE: dict[str, Any] = {
    "model": "seedance-20",
    "inputs": {
        "urls": ["https://example.com/character.png", "https://example.com/motion.mp4"],
        "audioUrls": ["https://example.com/music.mp3"],
        "prompt": "@image1 performs the moves from @video1",
        "duration": "5",
        "aspectRatio": "16:9",
        "mode": "reference",
        "outputResolution": "720p",
    },
}

OXEN_MODEL = "bytedance-seedance-2-0-reference-to-video"
# oxen-reference-to-video.md examples.
OXEN_TEXT_ONLY: dict[str, Any] = {
    "model": "bytedance-seedance-2-0-reference-to-video",
    "prompt": "A serene mountain lake at sunrise with mist rolling across the water",
}
OXEN_IMAGES: dict[str, Any] = {
    "model": "bytedance-seedance-2-0-reference-to-video",
    "prompt": "@Image1 walks through a crowded market, browsing the stalls",
    "input_images": ["https://example.com/character.jpg"],
    "duration": "8",
    "aspect_ratio": "16:9",
}
OXEN_VIDEO_AUDIO: dict[str, Any] = {
    "model": "bytedance-seedance-2-0-reference-to-video",
    "prompt": "@Image1 dances to the rhythm of @Audio1 in the style of @Video1",
    "input_images": ["https://example.com/dancer.jpg"],
    "input_videos": ["https://example.com/dance-reference.mp4"],
    "input_audios": ["https://example.com/music.mp3"],
    "resolution": "720p",
    "duration": "10",
    "generate_audio": True,
}
OXEN_PORTRAIT: dict[str, Any] = {
    "model": "bytedance-seedance-2-0-reference-to-video",
    "prompt": "@Image1 speaks directly to camera, warm studio lighting",
    "input_images": ["https://example.com/speaker.jpg"],
    "resolution": "480p",
    "aspect_ratio": "9:16",
    "duration": "6",
    "generate_audio": True,
}
OXEN_QUEUE: dict[str, Any] = {
    "model": "bytedance-seedance-2-0-reference-to-video",
    "prompt": "@Image1 waves at the camera and smiles",
    "input_images": ["https://example.com/person.jpg"],
    "duration": "5",
    "num_generations": 2,
}

EACHLABS_MODEL = "bytedance-seedance-2-0-reference-to-video"
# eachlabs-reference-to-video.txt "Example Request" (it omits the required "version").
EACHLABS_EXAMPLE: dict[str, Any] = {
    "model": "bytedance-seedance-2-0-reference-to-video",
    "input": {
        "prompt": "A vacant lot between two red brick English terraced houses slowly transforms "
        "over time. First the empty overgrown plot with a wooden hoarding fence, then a timber "
        "frame skeleton rising with scaffolding, finally a fully completed brick house matching "
        "the neighbours perfectly. Camera is fixed straight-on from across the street, continuous "
        "timelapse transition between all three stages. Camera is fixed timelapse."
    },
}
