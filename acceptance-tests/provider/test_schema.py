"""`tofu providers schema -json` shows the resource and function as the provider declares them."""


def test_schema_json(workspace):
    workspace.write("")
    workspace.init()
    import json

    schema = json.loads(workspace.run("providers", "schema", "-json").stdout)
    provider = schema["provider_schemas"]["registry.opentofu.org/sarga/sarga"]

    seed = provider["resource_schemas"]["sarga_cloudinit_seed"]["block"]
    attrs = seed["attributes"]
    # Optional since the Proxmox mode (node + storage) can stand in for it.
    assert attrs["output_path"]["optional"] is True and "required" not in attrs["output_path"]
    assert attrs["output_path"]["type"] == "string"
    for name in ("node", "storage"):
        assert attrs[name]["optional"] is True and attrs[name]["type"] == "string", name
    assert attrs["volume_id"]["computed"] is True and "optional" not in attrs["volume_id"]
    for name in ("hostname", "user_data", "network_config", "vendor_data"):
        assert attrs[name]["optional"] is True and attrs[name]["type"] == "string", name
    assert attrs["meta_data"]["type"] == ["map", "string"]
    assert attrs["gzip"]["type"] == "bool" and attrs["gzip"]["optional"] is True
    assert attrs["instance_id"]["optional"] is True and attrs["instance_id"]["computed"] is True
    for name in ("id", "sha256", "rendered_user_data"):
        assert attrs[name]["computed"] is True and attrs[name]["type"] == "string", name
    assert attrs["size"]["type"] == "number" and attrs["size"]["computed"] is True
    assert "NoCloud" in seed["description"]
    part = seed["block_types"]["part"]
    assert part["nesting_mode"] == "list"
    assert part["block"]["attributes"]["content_type"]["required"] is True
    assert part["block"]["attributes"]["content"]["required"] is True
    assert part["block"]["attributes"]["merge_type"]["optional"] is True
    assert part["block"]["attributes"]["filename"]["optional"] is True

    fn = provider["functions"]["cloudinit_userdata"]
    assert fn["return_type"] == "string"
    assert [p["name"] for p in fn["parameters"]] == ["config"]
    assert fn["parameters"][0]["type"] == "dynamic"
    assert "cloud-config" in fn["summary"]
