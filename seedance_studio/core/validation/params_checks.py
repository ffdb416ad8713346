"""The checks of the generation parameters against what the model offers."""

from __future__ import annotations

from collections.abc import Sequence

from seedance_studio.core.params import GenerationParams
from seedance_studio.core.validation.problem import Checker, Problem, span_text


class ParamChecks(Checker):
    def run(self, params: GenerationParams) -> list[Problem]:
        self._check_params(params)
        return self.take()

    def _check_params(self, params: GenerationParams) -> None:
        model = self.model
        label = f"{self.name} {model.label}"
        duration = params.duration
        if duration == "auto":
            if not model.auto_duration:
                self.add(
                    "error",
                    "duration_not_offered",
                    f"{label} has no automatic duration",
                    f"pick {model.durations[0]}–{model.durations[-1]} s"
                    if model.durations
                    else "pick a duration",
                    limit_name="auto_duration",
                    actual="auto",
                )
        elif duration is not None and duration not in model.durations:
            span = span_text(model.durations)
            self.add(
                "error",
                "duration_not_offered",
                f"{label} cannot make {duration} s videos; it offers {span}",
                f"pick {span}",
                limit_name="durations",
                actual=duration,
            )
        self._check_choice("resolution", params.resolution, model.resolutions, label)
        self._check_choice("aspect_ratio", params.aspect_ratio, model.aspect_ratios, label)
        self._check_choice("mode", params.mode, model.modes, label)
        self._check_choice("upscale", params.upscale, model.upscale, label)
        if params.variants > model.max_variants:
            self.add(
                "error",
                "too_many_variants",
                f"{label} makes up to {model.max_variants} "
                f"video{'s' if model.max_variants > 1 else ''} per request; "
                f"{params.variants} were asked for",
                f"ask for {model.max_variants} or fewer",
                limit_name="max_variants",
                limit=model.max_variants,
                actual=params.variants,
            )
        if params.seed is not None and not model.seed:
            self.add(
                "warning",
                "seed_ignored",
                f"{label} takes no seed; it will not be sent",
                "clear the seed",
                limit_name="seed",
                actual=params.seed,
            )
        if params.generate_audio is not None and not model.generate_audio:
            self.add(
                "warning",
                "generate_audio_ignored",
                f"{label} has no switch for generated audio; the setting will not be sent",
                limit_name="generate_audio",
            )

    def _check_choice(
        self, field: str, value: str | None, offered: Sequence[str], label: str
    ) -> None:
        if value is None:
            return
        words = field.replace("_", " ")
        if not offered:
            self.add(
                "warning",
                f"{field}_ignored",
                f"{label} offers no {words} choice; {value} will not be sent",
                f"clear the {words}",
                limit_name=_FIELD_LIMIT[field],
                actual=value,
            )
        elif value not in offered:
            self.add(
                "error",
                f"{field}_not_offered",
                f"{label} does not offer {words} {value}; it offers {', '.join(offered)}",
                f"pick one of {', '.join(offered)}",
                limit_name=_FIELD_LIMIT[field],
                limit=",".join(offered),
                actual=value,
            )


_FIELD_LIMIT = {
    "resolution": "resolutions",
    "aspect_ratio": "aspect_ratios",
    "mode": "modes",
    "upscale": "upscale",
}
