{{/* Names and labels shared by every resource of the chart. */}}
{{- define "helpdeskly.fullname" -}}
{{- if eq .Release.Name .Chart.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "helpdeskly.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "helpdeskly.tag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{/* Environment of every container: the ConfigMap, then the existing Secret. */}}
{{- define "helpdeskly.envFrom" -}}
- configMapRef:
    name: {{ include "helpdeskly.fullname" . }}
- secretRef:
    name: {{ required "existingSecret must name a Secret holding the database URLs and keys" .Values.existingSecret }}
{{- end -}}
