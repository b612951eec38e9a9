# A pipeline job that reaches its targets through a normally-off bastion. The session powers
# the bastion for this run only:
#
#   tofu apply -var plug_address=http://192.168.1.20 -var bastion_address=10.0.0.5:22 \
#              -var run_id=$CI_PIPELINE_ID            # password: TF_VAR_plug_password
terraform {
  required_version = ">= 1.11.0" # ephemeral resources
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {
  plug {
    driver   = var.plug_driver
    address  = var.plug_address
    username = var.plug_username
    password = var.plug_password
  }
}

# On for this run: the plug's timer (30 minutes, re-armed while the run lasts) is the safety
# net if the runner is killed; closing the session switches the plug off.
ephemeral "sarga_bastion_session" "this" {
  auto_off_after = var.auto_off_after
  wait_for = {
    address = var.bastion_address
    timeout = "5m"
  }
}

# The job. Replace the command with the real work, e.g.
#   ansible-playbook -i inventory site.yml \
#     -e "ansible_ssh_common_args='-J ops@${ephemeral.sarga_bastion_session.this.host}'"
# Here it records the bastion's SSH banner, which proves the bastion was up during the run.
resource "terraform_data" "job" {
  triggers_replace = [var.run_id]

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = "exec 3<>/dev/tcp/${ephemeral.sarga_bastion_session.this.host}/${ephemeral.sarga_bastion_session.this.port} && head -n 1 <&3 > bastion-banner.txt"
  }
}
