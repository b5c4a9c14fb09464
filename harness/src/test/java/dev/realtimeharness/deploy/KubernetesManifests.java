package dev.realtimeharness.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Kubernetes manifests into fabric8's typed model (generated from the Kubernetes OpenAPI schema) and rejects
 * what the API server would: a field the schema does not have (fabric8 keeps those in additionalProperties instead
 * of failing, so every object's map is checked), a value of the wrong type (no coercion: "3" is not an integer and
 * 9464 is not a string), a field the OpenAPI schema marks required, and the Job rules of the API server's validation
 * that these manifests touch. Kinds outside the table are refused rather than passed unchecked.
 */
final class KubernetesManifests {

    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "batch/v1 Job", Job.class,
            "v1 PersistentVolumeClaim", PersistentVolumeClaim.class,
            "v1 ConfigMap", ConfigMap.class,
            "v1 Pod", Pod.class);

    /** The {@code required} lists of the Kubernetes OpenAPI schema (io.k8s.api.*) for the types these manifests use. */
    private static final Map<Class<?>, List<String>> REQUIRED = Map.ofEntries(
            Map.entry(Container.class, List.of("name")),
            Map.entry(EnvVar.class, List.of("name")),
            Map.entry(ConfigMapKeySelector.class, List.of("key")),
            Map.entry(SecretKeySelector.class, List.of("key")),
            Map.entry(ObjectFieldSelector.class, List.of("fieldPath")),
            Map.entry(ContainerPort.class, List.of("containerPort")),
            Map.entry(VolumeMount.class, List.of("name", "mountPath")),
            Map.entry(Volume.class, List.of("name")),
            Map.entry(PersistentVolumeClaimVolumeSource.class, List.of("claimName")),
            Map.entry(PodSpec.class, List.of("containers")),
            Map.entry(JobSpec.class, List.of("template")));

    private static final ObjectMapper YAML = strict(YAMLMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build());

    private static ObjectMapper strict(ObjectMapper m) {
        for (LogicalType t : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            for (CoercionInputShape s : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.String)) {
                m.coercionConfigFor(t).setCoercion(s, CoercionAction.Fail);
            }
        }
        return m;
    }

    private KubernetesManifests() {
    }

    /** Every document of a YAML stream, as raw trees (for the checks the typed model cannot make). */
    static List<JsonNode> documents(String yaml) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            for (JsonNode n : YAML.readerFor(JsonNode.class).readValues(yaml).readAll().stream()
                    .map(JsonNode.class::cast).toList()) {
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
            return docs;
        } catch (java.io.IOException e) {
            throw new Invalid("not YAML: " + e.getMessage());
        }
    }

    /** Reads and validates every document of {@code yaml}; {@code source} names it in messages. */
    static List<HasMetadata> validate(String source, String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        int i = 0;
        for (JsonNode doc : documents(yaml)) {
            out.add(validate(source + " document " + (++i), doc));
        }
        if (out.isEmpty()) {
            throw new Invalid(source + ": no document");
        }
        return out;
    }

    static HasMetadata validate(String where, JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText("");
        String kind = doc.path("kind").asText("");
        Class<? extends HasMetadata> type = KINDS.get(apiVersion + " " + kind);
        if (type == null) {
            throw new Invalid(where + ": apiVersion '" + apiVersion + "' kind '" + kind
                    + "' is not one this check knows: " + KINDS.keySet());
        }
        HasMetadata object;
        try {
            object = YAML.treeToValue(doc, type);
        } catch (JsonMappingException e) {
            StringBuilder field = new StringBuilder();
            for (JsonMappingException.Reference r : e.getPath()) {
                field.append(r.getFieldName() != null ? (field.isEmpty() ? "" : ".") + r.getFieldName()
                        : "[" + r.getIndex() + "]");
            }
            throw new Invalid(where + " (" + kind + "): " + field + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new Invalid(where + " (" + kind + "): " + e.getMessage());
        }
        String name = object.getMetadata() == null ? null : object.getMetadata().getName();
        if (name == null || name.isBlank()) {
            throw new Invalid(where + " (" + kind + "): metadata.name is required");
        }
        String at = kind + "/" + name;
        walk(object, at);
        if (object instanceof Job job) {
            jobRules(job, at);
        }
        return object;
    }

    /** The API server's Job validation (apis/batch/validation) for the fields these manifests set. */
    private static void jobRules(Job job, String at) {
        JobSpec spec = job.getSpec();
        String restart = spec.getTemplate().getSpec() == null ? null : spec.getTemplate().getSpec().getRestartPolicy();
        if (!"Never".equals(restart) && !"OnFailure".equals(restart)) {
            throw new Invalid(at + ": spec.template.spec.restartPolicy: a Job's pods restart Never or OnFailure, not "
                    + restart);
        }
        boolean indexed = "Indexed".equals(spec.getCompletionMode());
        if (spec.getCompletionMode() != null && !indexed && !"NonIndexed".equals(spec.getCompletionMode())) {
            throw new Invalid(at + ": spec.completionMode: Indexed or NonIndexed, not " + spec.getCompletionMode());
        }
        if (indexed && spec.getCompletions() == null) {
            throw new Invalid(at + ": spec.completions is required with completionMode Indexed");
        }
        if (spec.getBackoffLimitPerIndex() != null && !indexed) {
            throw new Invalid(at + ": spec.backoffLimitPerIndex needs completionMode Indexed");
        }
        for (Integer n : new Integer[] {spec.getCompletions(), spec.getParallelism(), spec.getBackoffLimit(),
                spec.getBackoffLimitPerIndex()}) {
            if (n != null && n < 0) {
                throw new Invalid(at + ": spec: " + n + " is negative");
            }
        }
    }

    /** Every fabric8 object below {@code o}: no field outside the schema, and the schema's required fields set. */
    private static void walk(Object o, String path) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]");
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey());
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (String field : REQUIRED.getOrDefault(o.getClass(), List.of())) {
            Object v = get(o, "get" + Character.toUpperCase(field.charAt(0)) + field.substring(1));
            if (v == null || v instanceof String s && s.isEmpty() || v instanceof Collection<?> c && c.isEmpty()) {
                throw new Invalid(path + "." + field + ": required");
            }
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class || SKIPPED.contains(m.getName())) {
                continue;
            }
            Object v = get(o, m.getName());
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    throw new Invalid(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            walk(v, path + "." + name);
        }
    }

    /** Getters that derive a value instead of reading a field (HasMetadata's defaults, IntOrString's views). */
    private static final Set<String> SKIPPED = Set.of("getApiVersion", "getKind", "getPlural", "getSingular",
            "getFullResourceName", "getClass", "getValue", "getAmount", "getFormat", "getNumericalAmount");

    private static Object get(Object o, String getter) {
        try {
            return o.getClass().getMethod(getter).invoke(o);
        } catch (NoSuchMethodException e) {
            return null;
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(getter + " on " + o.getClass().getName(), e);
        }
    }
}
