"""Request and response models of the settings routes (`web/routes/settings.py`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SettingsPatch(_In):
    settings: dict[str, Any] = Field(
        description="run settings to set; a null value removes one (it is inherited)"
    )


class BuffersPatch(_In):
    buffers: dict[str, Any] = Field(
        description="port keys for every edge; a null value removes one (it is inherited)"
    )


class VariablesPut(_In):
    variables: dict[str, Any] = Field(description="the pipeline's variables; replaces them all")


class RuleCreate(_In):
    rule: dict[str, Any] = Field(description="`apply_to` and the port keys it sets")
    at: int | None = Field(None, description="0-based position; last (where it wins) if left out")


class RuleReplace(_In):
    rule: dict[str, Any]


class RuleMove(_In):
    to: int = Field(description="the rule's new 0-based position")


class YamlText(_In):
    text: str = Field(description="the whole file, as it is to be saved")


class PortApply(_In):
    edge: str = Field(description="the edge into the port, e.g. `B.out->J.right`")
    key: str = Field(description="a port key, e.g. `buffering_mode`")
    value: Any


class WorkspacePatch(_In):
    settings: dict[str, Any] | None = None
    buffers: dict[str, Any] | None = None
    keep_outputs: Literal["all", "sample", "none"] | None = None


class RulePort(BaseModel):
    edge: str
    block: str
    port: str
    wins: list[str] = Field(description="the keys this rule decides on this port")


class ConfigRuleOut(BaseModel):
    index: int
    rule: dict[str, Any]
    target: str = Field(description="the selector as written: `J.right`, `block=J`")
    label: str = Field(description="the source name the plan gives the values this rule sets")
    ports: list[RulePort] | None = Field(
        description="ports it matches; null: the pipeline does not plan"
    )


class SettingField(BaseModel):
    key: str
    type: Literal["bool", "int", "float", "str", "choice"]
    default: Any
    help: str
    options: list[str] | None = None
    minimum: float | None = None
    exclusiveMinimum: float | None = None


class SettingsCatalog(BaseModel):
    settings: list[SettingField]
    ports: list[SettingField]
    workspace: list[SettingField]


class WorkspaceSettingsOut(BaseModel):
    yaml: str = Field(description="sluicegate.yaml as saved; empty when there is none")
    version: str | None = Field(description="its version (also the ETag); null: no file")
    exists: bool
    spec: dict[str, Any] | None = Field(description="what it sets; null when it does not load")
    error: dict[str, Any] | None
