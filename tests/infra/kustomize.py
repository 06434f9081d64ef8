"""A small kustomize: renders infra/k8s overlays in Python, so the tests need no binary.

It implements exactly the features infra/k8s uses: `resources` (files and
directories), `namespace`, `labels` (metadata only), `images` (newName, newTag,
digest) and `patches` holding JSON 6902 operations with a kind/name `target`.
When `kubectl` is on PATH, tests/infra/test_kubernetes.py checks that this
renders the same objects as `kubectl kustomize`.
"""

from __future__ import annotations

from pathlib import Path

import jsonpatch
import yaml

# Kinds kustomize leaves without a namespace.
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass"}
SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}


def build(directory: Path) -> list[dict]:
    """The objects `kustomize build directory` would print."""
    directory = Path(directory)
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - SUPPORTED
    if unknown:
        raise ValueError(f"{directory}/kustomization.yaml uses {sorted(unknown)}, which this renderer lacks")
    objects: list[dict] = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        if path.is_dir():
            objects += build(path)
        else:
            objects += [d for d in yaml.safe_load_all(path.read_text()) if d]
    for patch in kustomization.get("patches", []):
        _apply_patch(objects, patch, directory)
    if "namespace" in kustomization:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj.setdefault("metadata", {})["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        for container in _containers(objects):
            _set_image(container, image)
    for group in kustomization.get("labels", []):
        if group.get("includeSelectors") or group.get("includeTemplates"):
            raise ValueError("labels with includeSelectors/includeTemplates are not supported")
        for obj in objects:
            obj.setdefault("metadata", {}).setdefault("labels", {}).update(group["pairs"])
    return objects


def _apply_patch(objects: list[dict], patch: dict, directory: Path) -> None:
    target = patch["target"]
    ops = yaml.safe_load(patch["patch"] if "patch" in patch else (directory / patch["path"]).read_text())
    if not isinstance(ops, list):
        raise ValueError(f"only JSON 6902 patches (a list of operations) are supported: {target}")
    matched = False
    for i, obj in enumerate(objects):
        if obj["kind"] == target.get("kind", obj["kind"]) and obj["metadata"]["name"] == target.get(
                "name", obj["metadata"]["name"]):
            objects[i] = jsonpatch.apply_patch(obj, ops)
            matched = True
    if not matched:
        raise ValueError(f"patch target {target} matches nothing")


def _containers(objects: list[dict]):
    for obj in objects:
        spec = obj.get("spec", {})
        pod = spec.get("template", {}).get("spec") or spec.get("jobTemplate", {}).get("spec", {}).get(
            "template", {}).get("spec")
        if pod:
            yield from pod.get("initContainers", [])
            yield from pod.get("containers", [])


def _split(image: str) -> tuple[str, str | None, str | None]:
    name, _, digest = image.partition("@")
    tag = None
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
    return name, tag, digest or None


def _set_image(container: dict, image: dict) -> None:
    name, tag, digest = _split(container["image"])
    if name != image["name"]:
        return
    name = image.get("newName", name)
    if "digest" in image:
        container["image"] = f"{name}@{image['digest']}"
        return
    tag = image.get("newTag", tag)
    container["image"] = name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")

