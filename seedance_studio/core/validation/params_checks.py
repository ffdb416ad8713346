"""The checks of the generation parameters against what the model offers."""

from __future__ import annotations

from collections.abc import Sequence

from seedance_studio.core.i18n import N_, _, ngettext
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
                    _("{model} has no automatic duration").format(model=label),
                    _("pick {choices}").format(
                        choices=f"{model.durations[0]}–{model.durations[-1]} s"
                    )
                    if model.durations
                    else _("pick a duration"),
                    limit_name="auto_duration",
                    actual="auto",
                )
        elif duration is not None and duration not in model.durations:
            span = span_text(model.durations)
            self.add(
                "error",
                "duration_not_offered",
                _("{model} cannot make {duration} s videos; it offers {choices}").format(
                    model=label, duration=duration, choices=span
                ),
                _("pick {choices}").format(choices=span),
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
                ngettext(
                    "{model} makes up to {most} video per request; {asked} were asked for",
                    "{model} makes up to {most} videos per request; {asked} were asked for",
                    model.max_variants,
                ).format(model=label, most=model.max_variants, asked=params.variants),
                _("ask for {most} or fewer").format(most=model.max_variants),
                limit_name="max_variants",
                limit=model.max_variants,
                actual=params.variants,
            )
        if params.seed is not None and not model.seed:
            self.add(
                "warning",
                "seed_ignored",
                _("{model} takes no seed; it will not be sent").format(model=label),
                _("clear the seed"),
                limit_name="seed",
                actual=params.seed,
            )
        if params.generate_audio is not None and not model.generate_audio:
            self.add(
                "warning",
                "generate_audio_ignored",
                _("{model} has no switch for generated audio; the setting will not be sent").format(
                    model=label
                ),
                limit_name="generate_audio",
            )

    def _check_choice(
        self, field: str, value: str | None, offered: Sequence[str], label: str
    ) -> None:
        if value is None:
            return
        words = _(_FIELD_WORDS[field])
        if not offered:
            self.add(
                "warning",
                f"{field}_ignored",
                _("{model} offers no {field} choice; {value} will not be sent").format(
                    model=label, field=words, value=value
                ),
                _("clear the {field}").format(field=words),
                limit_name=_FIELD_LIMIT[field],
                actual=value,
            )
        elif value not in offered:
            self.add(
                "error",
                f"{field}_not_offered",
                _("{model} does not offer {field} {value}; it offers {choices}").format(
                    model=label, field=words, value=value, choices=", ".join(offered)
                ),
                _("pick one of {choices}").format(choices=", ".join(offered)),
                limit_name=_FIELD_LIMIT[field],
                limit=",".join(offered),
                actual=value,
            )


_FIELD_WORDS = {
    "resolution": N_("resolution"),
    "aspect_ratio": N_("aspect ratio"),
    "mode": N_("mode"),
    "upscale": N_("upscale"),
}

_FIELD_LIMIT = {
    "resolution": "resolutions",
    "aspect_ratio": "aspect_ratios",
    "mode": "modes",
    "upscale": "upscale",
}
