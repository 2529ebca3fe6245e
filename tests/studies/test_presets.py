"""The GeNAS presets are composed of one configuration per stage, and each stage's folder is pinned to exactly it."""

from __future__ import annotations

from dataclasses import asdict, fields

import pytest

from landscape.studies.presets import STAGES, SEARCH_PRESETS, SearchPreset


@pytest.mark.parametrize("stage", list(STAGES))
def test_each_stage_config_is_the_presets_fields(stage):
    p = SEARCH_PRESETS["cpu"]
    config = p.stage(stage)
    assert type(config) is STAGES[stage]
    assert asdict(config) == {f.name: getattr(p, f.name) for f in fields(config)}
    assert p.stage_config(stage) == {"preset": "cpu", **asdict(config)}


def test_every_preset_field_belongs_to_a_stage_or_names_the_preset():
    staged = {f.name for config in STAGES.values() for f in fields(config)}
    extra = {"name", "note", "layers", "precision", "channels_last", "compile"}  # identity, space, speed switches
    assert {f.name for f in fields(SearchPreset)} == staged | extra


def test_unknown_stage_is_named():
    with pytest.raises(ValueError, match="stage"):
        SEARCH_PRESETS["cpu"].stage("evolve")
