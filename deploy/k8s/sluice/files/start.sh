#!/bin/sh
# Starts the Sluice node of this pod. Everything that differs per pod is derived here from the pod's name, so one
# StatefulSet template serves every ordinal:
#   node.id = NODE_ID_BASE + the pod's ordinal (controllers 0.., brokers 100..);
#   host    = the pod's stable DNS name <pod>.<headless service>.<namespace>.svc.<domain> (POD_DOMAIN), advertised to
#             clients and the other nodes, while the ports listen on every interface (bind.host 0.0.0.0): the name
#             may not resolve yet while the pod starts;
#   rack    = the Kubernetes node's zone, written to RACK_FILE by the init container (when rack awareness is on).
# The quorum voters (QUORUM_VOTERS) name the controller pods the same way. The last line execs java, so the JVM
# is the container's first process and SIGTERM reaches it (controlled shutdown).
set -eu

ordinal="${POD_NAME##*-}"
case "$ordinal" in
  ''|*[!0-9]*) echo "start.sh: pod name $POD_NAME does not end in a StatefulSet ordinal" >&2; exit 1 ;;
esac
node_id=$((NODE_ID_BASE + ordinal))

set -- server \
  --config "$CONFIG_FILE" \
  --node-id "$node_id" \
  --roles "$ROLES" \
  --host "$POD_NAME.$POD_DOMAIN" \
  --bind-host 0.0.0.0 \
  --data-dir "$DATA_DIR" \
  --controller-quorum "$QUORUM_VOTERS" \
  --cluster-id "$CLUSTER_ID"

if [ -n "${RACK_FILE:-}" ]; then
  rack="$(cat "$RACK_FILE")"
  if [ -z "$rack" ]; then
    echo "start.sh: rack awareness is on but $RACK_FILE is empty" >&2
    exit 1
  fi
  set -- "$@" --rack "$rack"
fi

echo "start.sh: node $node_id ($ROLES) as $POD_NAME.$POD_DOMAIN" >&2
# JAVA_OPTS is split into words on purpose: it holds several flags.
# shellcheck disable=SC2086
exec java $JAVA_OPTS -cp @/app/jib-classpath-file dev.sluice.cli.Main "$@"
