{{/* A name under the release: <release>-<part>, cut to DNS length. */}}
{{- define "streamline.name" -}}
{{- printf "%s-%s" .root.Release.Name .part | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "streamline.labels" -}}
app.kubernetes.io/name: {{ .part }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: streamline
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "streamline.selector" -}}
app.kubernetes.io/name: {{ .part }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* An image reference: registry prefix + repository + tag; `latest` or no tag is refused. */}}
{{- define "streamline.image" -}}
{{- $tag := .image.tag | toString -}}
{{- if and .app .root.Values.images.appTag -}}{{- $tag = .root.Values.images.appTag | toString -}}{{- end -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail (printf "image %s: expected a fixed tag, got %q (never latest)" .image.repository $tag) -}}
{{- end -}}
{{- printf "%s%s:%s" .root.Values.images.registry .image.repository $tag -}}
{{- end -}}

{{/* Kafka's bootstrap service (Strimzi names it <cluster>-kafka-bootstrap), plain listener. */}}
{{- define "streamline.kafkaBootstrap" -}}
{{- printf "%s-kafka-bootstrap:9092" .Values.kafka.name -}}
{{- end -}}

{{/* The settings every app reads (libs/config/src/connections.ts), secrets by reference. */}}
{{- define "streamline.connectionEnv" -}}
- name: PG_HOST
  value: {{ printf "%s-rw" .Values.postgres.name | quote }}
- name: PG_PORT
  value: "5432"
- name: PG_USER
  value: {{ .Values.postgres.owner | quote }}
- name: PG_DATABASE
  value: {{ .Values.postgres.database | quote }}
- name: PG_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.postgres.name }}, key: password }
- name: KAFKA_BROKERS
  value: {{ include "streamline.kafkaBootstrap" . | quote }}
- name: SCHEMA_REGISTRY_URL
  value: {{ printf "http://%s:%v/apis/ccompat/v7" (include "streamline.name" (dict "root" . "part" "schema-registry")) .Values.schemaRegistry.port | quote }}
- name: SCHEMA_REGISTRY_USERNAME
  value: streamline
- name: SCHEMA_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.schemaRegistry.name }}, key: {{ .Values.secrets.schemaRegistry.passwordKey }} }
- name: CASSANDRA_CONTACT_POINTS
  value: {{ printf "%s-%s-service" .Values.cassandra.clusterName .Values.cassandra.datacenter | quote }}
- name: CASSANDRA_PORT
  value: "9042"
- name: CASSANDRA_LOCAL_DC
  value: {{ .Values.cassandra.datacenter | quote }}
- name: CASSANDRA_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.cassandra.name }}, key: {{ .Values.secrets.cassandra.usernameKey }} }
- name: CASSANDRA_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.cassandra.name }}, key: {{ .Values.secrets.cassandra.passwordKey }} }
- name: TOPIC_USERS_CREATED
  value: {{ .Values.topics.created | quote }}
- name: TOPIC_USERS_PROCESSED
  value: {{ .Values.topics.processed | quote }}
- name: TOPIC_USERS_DLQ
  value: {{ .Values.topics.dlq | quote }}
- name: STREAMLINE_HTTP_HOST
  value: 0.0.0.0
- name: LOG_LEVEL
  value: info
{{- end -}}

{{/* Pod security: non-root, no privilege escalation, read-only root, no capabilities. */}}
{{- define "streamline.podSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "streamline.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end -}}

{{/* Spread over zones (prod) and nodes: replicas of one part on different failure domains. */}}
{{- define "streamline.spread" -}}
{{- if .root.Values.topology.spread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: {{ .root.Values.topology.zoneKey }}
    whenUnsatisfiable: DoNotSchedule
    labelSelector:
      matchLabels:
        {{- include "streamline.selector" . | nindent 8 }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "streamline.selector" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* A PodDisruptionBudget for a Deployment: one pod may go at a time, none below one. */}}
{{- define "streamline.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "streamline.name" . }}
  labels:
    {{- include "streamline.labels" . | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "streamline.selector" . | nindent 6 }}
{{- end -}}

{{/* A Service on the app's /healthz + /metrics port, and the ServiceMonitor scraping it. */}}
{{- define "streamline.httpService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "streamline.name" . }}
  labels:
    {{- include "streamline.labels" . | nindent 4 }}
spec:
  selector:
    {{- include "streamline.selector" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .port }}
      targetPort: http
{{- if .root.Values.serviceMonitor.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "streamline.name" . }}
  labels:
    {{- include "streamline.labels" . | nindent 4 }}
    {{- with .root.Values.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "streamline.selector" . | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ .root.Values.serviceMonitor.interval }}
{{- end }}
{{- end -}}


{{/* Airflow: the settings, pod and mounts its components share (templates/airflow.yaml). */}}
{{- define "streamline.airflowEnv" -}}
- name: AIRFLOW__CORE__EXECUTOR
  value: LocalExecutor
- name: AIRFLOW__CORE__LOAD_EXAMPLES
  value: "False"
- name: AIRFLOW__CORE__DAGS_FOLDER
  value: /opt/airflow/dags
- name: AIRFLOW__CORE__EXECUTION_API_SERVER_URL
  value: {{ printf "http://%s:%v/execution/" (include "streamline.name" (dict "root" . "part" "airflow-api-server")) .Values.airflow.apiServer.port | quote }}
- name: AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK
  value: "True"
- name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.airflow.name }}, key: {{ .Values.secrets.airflow.sqlAlchemyConnKey }} }
- name: AIRFLOW__API_AUTH__JWT_SECRET
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.airflow.name }}, key: {{ .Values.secrets.airflow.jwtSecretKey }} }
{{- end -}}
{{- define "streamline.airflowPod" -}}
automountServiceAccountToken: false
securityContext:
  runAsNonRoot: true
  runAsUser: 50000
  runAsGroup: 0
  fsGroup: 0
  seccompProfile: { type: RuntimeDefault }
volumes:
  - name: dags
    persistentVolumeClaim: { claimName: {{ .Values.airflow.dagsClaim }}, readOnly: true }
  - { name: logs, emptyDir: {} }
  - { name: tmp, emptyDir: {} }
{{- end -}}
{{- define "streamline.airflowMounts" -}}
- { name: dags, mountPath: /opt/airflow/dags, readOnly: true }
- { name: logs, mountPath: /opt/airflow/logs }
- { name: tmp, mountPath: /tmp }
{{- end }}
