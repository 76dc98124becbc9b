{{/*
Names, labels, the pools and the values every pod derives (node ids, quorum voters, node settings).
*/}}

{{- define "sluice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name; pool names append "-controller" etc., so it stays short enough for DNS labels. */}}
{{- define "sluice.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sluice.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sluice.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "sluice.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "sluice.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The pools as a YAML list: name (the StatefulSet's suffix and the component label), roles, the first node id, and the
key of its values. Controllers take ids 0.., brokers 100.. (at most 9 controllers, so the ranges never meet).
*/}}
{{- define "sluice.pools" -}}
{{- if .Values.combined }}
- {name: combined, roles: "controller,broker", idBase: 0, values: controllers, controller: true, broker: true}
{{- else }}
- {name: controller, roles: controller, idBase: 0, values: controllers, controller: true, broker: false}
- {name: broker, roles: broker, idBase: 100, values: brokers, controller: false, broker: true}
{{- end }}
{{- end }}

{{/* The pools as a list of dicts. */}}
{{- define "sluice.poolList" -}}
{{- dict "pools" (include "sluice.pools" . | fromYamlArray) | toJson }}
{{- end }}

{{- define "sluice.poolName" -}}
{{- printf "%s-%s" (include "sluice.fullname" .root) .pool.name }}
{{- end }}

{{- define "sluice.headlessName" -}}
{{- printf "%s-%s-headless" (include "sluice.fullname" .root) .pool.name }}
{{- end }}

{{- define "sluice.poolSelectorLabels" -}}
{{ include "sluice.selectorLabels" .root }}
app.kubernetes.io/component: {{ .pool.name }}
{{- end }}

{{/* The DNS domain under which the pods of a pool are named: <pod>.<this>. */}}
{{- define "sluice.podDomain" -}}
{{- printf "%s.%s.svc.%s" (include "sluice.headlessName" .) .root.Release.Namespace .root.Values.clusterDomain }}
{{- end }}

{{/* controller.quorum.voters: <id>@<pod>.<headless>.<ns>.svc.<domain>:<port> for every pod of the controller pool. */}}
{{- define "sluice.quorumVoters" -}}
{{- $root := . }}
{{- $voters := list }}
{{- range $pool := (include "sluice.poolList" . | fromJson).pools }}
{{- if $pool.controller }}
{{- $ctx := dict "root" $root "pool" $pool }}
{{- range $ordinal := until (int $root.Values.controllers.replicas) }}
{{- $voters = append $voters (printf "%d@%s-%d.%s:%d" (add $pool.idBase $ordinal | int) (include "sluice.poolName" $ctx) $ordinal (include "sluice.podDomain" $ctx) (int $root.Values.ports.controller)) }}
{{- end }}
{{- end }}
{{- end }}
{{- join "," $voters }}
{{- end }}

{{/* Node settings the chart sets per pod or from other values: never taken from `config`. */}}
{{- define "sluice.managedKeys" -}}
{{- list "node.id" "process.roles" "data.dir" "host" "bind.host" "broker.port" "controller.port" "http.port" "kafka.listener.port" "broker.rack" "controller.quorum.voters" "cluster.id" | toJson }}
{{- end }}

{{/* Every other key of docs/configuration.md's server table (NodeConfig.DEFAULTS); the chart tests keep it in step. */}}
{{- define "sluice.configurableKeys" -}}
{{- list "num.partitions" "default.replication.factor" "log.retention.check.interval.ms" "offsets.topic.num.partitions" "offsets.topic.replication.factor" "broker.heartbeat.interval.ms" "broker.session.timeout.ms" "replica.lag.time.max.ms" "metadata.snapshot.interval.entries" "controller.quorum.election.timeout.ms" "controller.quorum.fetch.timeout.ms" "auto.leader.rebalance.enable" "controlled.shutdown.timeout.ms" "log.durable.acks" "log.flush.scheduler.interval.ms" "log.verify.on.open" "kafka.listener.enabled" "socket.request.max.bytes" "auto.create.topics.enable" "listener.client.tls.cert" "listener.client.tls.key" "listener.client.tls.ca" "listener.client.tls.client.auth" "listener.client.tls.protocols" "listener.controller.tls.cert" "listener.controller.tls.key" "listener.controller.tls.ca" "listener.controller.tls.client.auth" "listener.controller.tls.protocols" "listener.kafka.tls.cert" "listener.kafka.tls.key" "listener.kafka.tls.ca" "listener.kafka.tls.client.auth" "listener.kafka.tls.protocols" "tls.reload.check.interval.ms" "principal.mapping.rules" "authorizer.enabled" "super.users" "allow.everyone.if.no.acl.found" "authentication.required" "sasl.enabled.mechanisms" "sasl.session.lifetime.ms" "listener.kafka.sasl.enabled.mechanisms" | toJson }}
{{- end }}

{{/* A config value as the node reads it: whole numbers without an exponent (YAML numbers arrive as floats). */}}
{{- define "sluice.configValue" -}}
{{- if kindIs "float64" . }}
{{- if eq . (floor .) }}{{ int64 . }}{{ else }}{{ . }}{{ end }}
{{- else }}
{{- . }}
{{- end }}
{{- end }}

{{/*
A pool's node settings (`config` with the pool's own on top), checked: an unknown key or one the chart sets fails
the install with a message naming it, rather than a node that refuses to start.
*/}}
{{- define "sluice.poolConfig" -}}
{{- $poolValues := index .root.Values .pool.values }}
{{- $merged := merge (deepCopy ($poolValues.config | default dict)) (.root.Values.config | default dict) }}
{{- $managed := include "sluice.managedKeys" . | fromJsonArray }}
{{- $known := include "sluice.configurableKeys" . | fromJsonArray }}
{{- range $key, $value := $merged }}
{{- if has $key $managed }}
{{- fail (printf "config: %s is set by the chart for each pod (from the pool, its ordinal, ports, clusterId or rack); remove it from config" $key) }}
{{- end }}
{{- if not (has $key $known) }}
{{- fail (printf "config: unknown node setting %q; the keys are listed in docs/configuration.md (server) and the chart's README" $key) }}
{{- end }}
{{- end }}
{{- toJson $merged }}
{{- end }}

{{/* A pool's server.properties: its settings and the ports; the rest comes from start.sh's flags. */}}
{{- define "sluice.properties" -}}
# Node settings of the {{ .pool.name }} pool (docs/configuration.md). start.sh adds node.id, process.roles, host,
# bind.host, data.dir, controller.quorum.voters, cluster.id and broker.rack as flags.
broker.port={{ .root.Values.ports.broker }}
controller.port={{ .root.Values.ports.controller }}
http.port={{ .root.Values.ports.http }}
kafka.listener.port={{ .root.Values.ports.kafka }}
{{- include "sluice.tlsProperties" . }}
{{- $config := include "sluice.poolConfig" . | fromJson }}
{{- range $key := keys $config | sortAlpha }}
{{ $key }}={{ include "sluice.configValue" (index $config $key) }}
{{- end }}
{{- end }}

{{/*
A pool's terminationGracePeriodSeconds: above its controlled.shutdown.timeout.ms, so a stopping broker has moved its
leaderships away before Kubernetes kills it.
*/}}
{{- define "sluice.terminationGracePeriodSeconds" -}}
{{- $config := include "sluice.poolConfig" . | fromJson }}
{{- $timeoutMs := index $config "controlled.shutdown.timeout.ms" | default 5000 | int64 }}
{{- $timeoutSeconds := div (add $timeoutMs 999) 1000 }}
{{- $configured := .root.Values.terminationGracePeriodSeconds }}
{{- if kindIs "invalid" $configured }}
{{- add $timeoutSeconds 30 }}
{{- else if le (int64 $configured) $timeoutSeconds }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be above the %s pool's controlled.shutdown.timeout.ms (%d ms), or Kubernetes kills a broker before its leaderships have moved; leave it empty for the timeout plus 30 s" (int64 $configured) .pool.name $timeoutMs) }}
{{- else }}
{{- int64 $configured }}
{{- end }}
{{- end }}

{{- define "sluice.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "sluice.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sluice.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
policy/v1 where the cluster serves it (Kubernetes 1.21 on), policy/v1beta1 before. A cluster lists the kind
(policy/v1/PodDisruptionBudget); `helm template` knows only the group versions of its own client, which include
policy/v1 whatever --kube-version says, so there the Kubernetes version decides.
*/}}
{{- define "sluice.pdbApiVersion" -}}
{{- $caps := .Capabilities }}
{{- if or ($caps.APIVersions.Has "policy/v1/PodDisruptionBudget") (and ($caps.APIVersions.Has "policy/v1") (semverCompare ">=1.21-0" $caps.KubeVersion.Version)) -}}
policy/v1
{{- else -}}
policy/v1beta1
{{- end }}
{{- end }}

{{/*
Refuses a broker pool too small for __consumer_offsets: a broker creates that topic once as many brokers as its
replication factor are unfenced (offsets.topic.replication.factor, capped by the larger of the controller count and
the brokers registered), and is not ready before. With fewer brokers no broker would ever become ready.
*/}}
{{- define "sluice.validateBrokerCount" -}}
{{- if not .Values.combined }}
{{- $pool := dict "name" "broker" "values" "brokers" }}
{{- $config := include "sluice.poolConfig" (dict "root" . "pool" $pool) | fromJson }}
{{- $configured := index $config "offsets.topic.replication.factor" | default 3 | int }}
{{- $brokers := int .Values.brokers.replicas }}
{{- $needed := min $configured (max (int .Values.controllers.replicas) $brokers) }}
{{- if lt $brokers (int $needed) }}
{{- fail (printf "brokers.replicas (%d) is below the replication factor of __consumer_offsets (%d: offsets.topic.replication.factor %d, capped by the %d controllers): the topic would never be created and no broker would become ready; add brokers or set config.offsets.topic.replication.factor to at most %d" $brokers (int $needed) $configured (int .Values.controllers.replicas) $brokers) }}
{{- end }}
{{- end }}
{{- end }}

{{/* The listeners TLS can be turned on for, as tls.<name> in the values and listener.<name>.tls.* on the node. */}}
{{- define "sluice.tlsListeners" -}}
{{- list "client" "controller" "kafka" | toJson }}
{{- end }}

{{/*
The Secret holding a listener's certificate (ctx: root, listener): tls.<listener>.secretName, or the one the chart's
cert-manager Certificate fills.
*/}}
{{- define "sluice.tlsSecretName" -}}
{{- $tls := index .root.Values.tls .listener }}
{{- if $tls.secretName }}
{{- $tls.secretName }}
{{- else if .root.Values.tls.certManager.enabled }}
{{- printf "%s-%s-tls" (include "sluice.fullname" .root) .listener }}
{{- else }}
{{- fail (printf "tls.%s.enabled needs tls.%s.secretName (a Secret with tls.crt, tls.key and ca.crt) or tls.certManager.enabled with an issuer" .listener .listener) }}
{{- end }}
{{- end }}

{{/* Where a pod mounts a listener's Secret. */}}
{{- define "sluice.tlsDir" -}}
{{- printf "/etc/sluice-tls/%s" . }}
{{- end }}

{{/*
Refuses TLS values that could not work: a listener on without a certificate source, cert-manager without an issuer,
or the listener's files also set through `config` (two sources for one setting).
*/}}
{{- define "sluice.validateTls" -}}
{{- $root := . }}
{{- range $listener := include "sluice.tlsListeners" . | fromJsonArray }}
{{- if (index $root.Values.tls $listener).enabled }}
{{- $secret := include "sluice.tlsSecretName" (dict "root" $root "listener" $listener) }}
{{- range $pool := (include "sluice.poolList" $root | fromJson).pools }}
{{- $config := include "sluice.poolConfig" (dict "root" $root "pool" $pool) | fromJson }}
{{- range $suffix := list "cert" "key" "ca" "client.auth" }}
{{- $key := printf "listener.%s.tls.%s" $listener $suffix }}
{{- if hasKey $config $key }}
{{- fail (printf "config: %s is set by the chart when tls.%s.enabled is true (from the Secret, and tls.%s.clientAuth); remove it from config" $key $listener $listener) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if and $root.Values.tls.certManager.enabled (not $root.Values.tls.certManager.issuerRef.name) }}
{{- fail "tls.certManager.enabled needs tls.certManager.issuerRef.name: the cert-manager Issuer or ClusterIssuer that signs the nodes' certificates" }}
{{- end }}
{{- end }}

{{/* The listener.<name>.tls.* lines of a pool's server.properties for the listeners with TLS on. */}}
{{- define "sluice.tlsProperties" -}}
{{- $root := .root }}
{{- range $listener := include "sluice.tlsListeners" $root | fromJsonArray }}
{{- $tls := index $root.Values.tls $listener }}
{{- if $tls.enabled }}
{{- $dir := include "sluice.tlsDir" $listener }}
listener.{{ $listener }}.tls.cert={{ $dir }}/tls.crt
listener.{{ $listener }}.tls.key={{ $dir }}/tls.key
{{- /* The Kafka listener reads a CA bundle only to verify client certificates; ACME-issued Secrets have none. */}}
{{- if or (ne $listener "kafka") (ne $tls.clientAuth "none") }}
listener.{{ $listener }}.tls.ca={{ $dir }}/ca.crt
{{- end }}
listener.{{ $listener }}.tls.client.auth={{ $tls.clientAuth }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The DNS names a listener's certificate must cover (ctx: root, listener): every pod of the pools serving it, by a
wildcard on their headless Service, and for the broker port also the client Service, by which applications bootstrap.
*/}}
{{- define "sluice.tlsDnsNames" -}}
{{- $root := .root }}
{{- $listener := .listener }}
{{- $names := list }}
{{- $namespace := $root.Release.Namespace }}
{{- range $pool := (include "sluice.poolList" $root | fromJson).pools }}
{{- if or (and (ne $listener "controller") $pool.broker) (and (eq $listener "controller") $pool.controller) }}
{{- $headless := include "sluice.headlessName" (dict "root" $root "pool" $pool) }}
{{- $names = append $names (printf "*.%s.%s.svc.%s" $headless $namespace $root.Values.clusterDomain) }}
{{- $names = append $names (printf "*.%s.%s.svc" $headless $namespace) }}
{{- end }}
{{- end }}
{{- if ne $listener "controller" }}
{{- $service := include "sluice.fullname" $root }}
{{- $names = concat $names (list $service (printf "%s.%s" $service $namespace) (printf "%s.%s.svc" $service $namespace) (printf "%s.%s.svc.%s" $service $namespace $root.Values.clusterDomain)) }}
{{- end }}
{{- toJson $names }}
{{- end }}
