package dev.realtimeharness.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.deploy.KubernetesManifests.Invalid;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** harness/deploy/k8s: the manifests are valid Kubernetes objects and say what README "Running on Kubernetes" says. */
class K8sManifestsTest {

    private static final Path K8S = Path.of("deploy/k8s");
    /** The variables the harness reads its secrets from (contract.md, Targets; RunCommand.orEnv). */
    private static final Set<String> SECRET_ENV = Set.of("SUPABASE_ANON_KEY", "SUPABASE_JWT_SECRET", "DATABASE_URL");
    private static final Set<String> SECRET_FLAGS = Set.of("--apikey", "--jwt-secret", "--db-url");

    @Test
    void everyManifestIsAValidKubernetesObject() throws IOException {
        List<String> files = manifestFiles();
        assertThat(files).contains("shards-job.yaml", "merge-job.yaml", "results-pvc.yaml", "fetch-pod.yaml");
        for (String f : files) {
            if (f.equals("kustomization.yaml") || f.equals("podmonitor.yaml")) {
                continue;
            }
            assertThat(KubernetesManifests.validate(f, read(f))).as(f).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a misspelt field|completions: 3|completion: 3|unknown field(s) [completion]",
        "a string for an integer|completions: 3|completions: \"3\"|spec.completions",
        "an integer among string args|- --run-id|- 7|args",
        "a container without its required name|- name: shard|- stdin: false|.name: required",
        "a Job whose pods restart Always|restartPolicy: Never|restartPolicy: Always|restartPolicy",
        "an unknown kind|kind: Job|kind: Jobb|kind 'Jobb'",
    })
    void aBrokenManifestIsRejected(String what, String from, String to, String message) throws IOException {
        String good = read("shards-job.yaml");
        assertThat(good).contains(from);
        KubernetesManifests.validate("shards-job.yaml", good);
        String broken = good.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
        assertThatThrownBy(() -> KubernetesManifests.validate("broken", broken)).as(what)
                .isInstanceOf(Invalid.class).hasMessageContaining(message);
    }

    @Test
    void theShardsAreAnIndexedJobOfNFromRunEnv() throws IOException {
        Job shards = job("shards-job.yaml");
        Map<String, String> run = runEnv();
        int n = Integer.parseInt(run.get("SHARDS"));
        assertThat(shards.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(shards.getSpec().getCompletions()).isEqualTo(n);
        assertThat(shards.getSpec().getParallelism()).isEqualTo(n);
        assertThat(shards.getSpec().getBackoffLimitPerIndex()).as("a shard is never run twice").isZero();
        Container c = only(shards.getSpec().getTemplate().getSpec());
        assertThat(String.join(" ", c.getArgs())).startsWith("run $(SCENARIO) ")
                .contains("--shard auto/$(SHARDS)", "--run-id $(RUN_ID)", "--results-dir /results");
        assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/results"));
        // The shards agree on their common start in the shared volume, not on a time fixed before the pods exist.
        String readyDir = c.getArgs().get(c.getArgs().indexOf("--ready-dir") + 1);
        assertThat(c.getVolumeMounts()).anyMatch(m -> readyDir.startsWith(m.getMountPath())
                && !Boolean.TRUE.equals(m.getReadOnly()));
        assertThat(c.getArgs()).doesNotContain("--start-at");
        String timeout = run.get("READY_TIMEOUT");
        assertThat(String.join(" ", c.getArgs())).contains("--ready-timeout $(READY_TIMEOUT)");
        assertThat(dev.realtimeharness.scenario.Durations.parse(timeout)).isPositive();
        assertThat(run.get("SCENARIO")).isEqualTo("scenarios/t031-load.yaml");
        assertThat(Path.of("..").resolve(run.get("SCENARIO"))).exists();
        // The kustomization carries N from run.env to completions and parallelism.
        JsonNode k = KubernetesManifests.documents(read("kustomization.yaml")).get(0);
        JsonNode replacement = k.path("replacements").get(0);
        assertThat(replacement.path("source").path("fieldPath").asText()).isEqualTo("data.SHARDS");
        assertThat(replacement.path("targets").get(0).path("select").path("name").asText())
                .isEqualTo(shards.getMetadata().getName());
        assertThat(replacement.path("targets").get(0).path("fieldPaths").toString())
                .contains("spec.completions", "spec.parallelism");
        for (JsonNode r : k.path("resources")) {
            assertThat(K8S.resolve(r.asText())).as("resource " + r).exists();
        }
    }

    @Test
    void everyConfigMapAndSecretReferenceResolves() throws IOException {
        Map<String, String> run = runEnv();
        for (String f : List.of("shards-job.yaml", "merge-job.yaml")) {
            PodSpec pod = job(f).getSpec().getTemplate().getSpec();
            for (Container c : containers(pod)) {
                for (EnvVar e : c.getEnv()) {
                    var cm = e.getValueFrom() == null ? null : e.getValueFrom().getConfigMapKeyRef();
                    if (cm != null) {
                        assertThat(cm.getName()).isEqualTo("realtime-harness-run");
                        assertThat(run).as(f + " " + c.getName() + " " + e.getName()).containsKey(cm.getKey());
                    }
                }
                for (String ref : references(c)) {
                    assertThat(c.getEnv()).as(f + " " + c.getName() + " uses $" + ref)
                            .anyMatch(e -> e.getName().equals(ref));
                }
            }
        }
    }

    @Test
    void secretsReachTheHarnessOnlyThroughTheEnvironment() throws IOException {
        Job shards = job("shards-job.yaml");
        Container c = only(shards.getSpec().getTemplate().getSpec());
        for (String name : SECRET_ENV) {
            EnvVar e = c.getEnv().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
            assertThat(e.getValue()).as(name + " has no literal value").isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("realtime-harness-target");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(name);
        }
        for (String f : List.of("shards-job.yaml", "merge-job.yaml", "fetch-pod.yaml")) {
            for (HasMetadata o : KubernetesManifests.validate(f, read(f))) {
                PodSpec pod = o instanceof Job j ? j.getSpec().getTemplate().getSpec()
                        : ((io.fabric8.kubernetes.api.model.Pod) o).getSpec();
                for (Container ct : containers(pod)) {
                    List<String> line = new ArrayList<>(ct.getCommand());
                    line.addAll(ct.getArgs());
                    assertThat(line).as(f + " " + ct.getName()).doesNotContainAnyElementsOf(SECRET_FLAGS);
                    assertThat(references(ct)).as(f + " " + ct.getName() + ": a secret expanded on the command line")
                            .doesNotContainAnyElementsOf(SECRET_ENV);
                }
            }
        }
        // Nothing that looks like a Secret object or a key value is kept in this directory.
        for (String f : manifestFiles()) {
            assertThat(read(f)).as(f).doesNotContain("kind: Secret").doesNotContain("secretGenerator");
        }
    }

    @Test
    void prometheusScrapesEveryShardOnItsMetricsPort() throws IOException {
        Job shards = job("shards-job.yaml");
        var template = shards.getSpec().getTemplate();
        Container c = only(template.getSpec());
        String port = c.getArgs().get(c.getArgs().indexOf("--metrics-port") + 1);
        assertThat(c.getArgs().get(c.getArgs().indexOf("--metrics-bind") + 1)).isEqualTo("0.0.0.0");
        assertThat(template.getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", port);
        assertThat(c.getPorts()).anyMatch(p -> p.getName().equals("metrics")
                && p.getContainerPort() == Integer.parseInt(port));
        // The PodMonitor (a CRD, so not in the typed model) selects exactly the shard pods and their metrics port.
        JsonNode pm = KubernetesManifests.documents(read("podmonitor.yaml")).get(0);
        assertThat(pm.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(pm.path("kind").asText()).isEqualTo("PodMonitor");
        pm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(l ->
                assertThat(template.getMetadata().getLabels()).containsEntry(l.getKey(), l.getValue().asText()));
        assertThat(pm.path("spec").path("podMetricsEndpoints").get(0).path("port").asText()).isEqualTo("metrics");
    }

    @Test
    void theGrafanaDashboardAggregatesEveryQueryOverShards() throws IOException {
        String dashboard = Files.readString(Path.of("deploy/grafana/realtime-harness.json"));
        Matcher m = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(dashboard);
        int n = 0;
        while (m.find()) {
            String expr = m.group(1);
            n++;
            if (expr.contains("pub_to_recv_latency_seconds")) {
                // Percentiles cannot be added: the largest over the shards (exact for the max, else an upper bound).
                assertThat(expr).as(expr).startsWith("max by (run_id) (");
            } else {
                assertThat(expr).as(expr).matches("sum( by \\([a-z_]+\\) )?\\(.*");
            }
        }
        assertThat(n).isGreaterThan(10);
    }

    /** With kubectl on PATH (it renders kustomizations offline), the rendered output validates too, at another N. */
    @Test
    void theRenderedKustomizationValidatesAndCarriesN(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not on PATH: the rendered kustomization is not checked");
        for (String f : manifestFiles()) {
            Files.copy(K8S.resolve(f), dir.resolve(f));
        }
        Files.copy(K8S.resolve("run.env"), dir.resolve("run.env"));
        Files.writeString(dir.resolve("run.env"), Files.readString(dir.resolve("run.env"))
                .replaceFirst("(?m)^SHARDS=.*$", "SHARDS=5"));
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<HasMetadata> objects = KubernetesManifests.validate("kubectl kustomize", out);
        assertThat(objects).extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder("ConfigMap", "PersistentVolumeClaim", "Job", "Job");
        Job shards = objects.stream().filter(o -> o.getMetadata().getName().equals("realtime-harness-shards"))
                .map(Job.class::cast).findFirst().orElseThrow();
        assertThat(shards.getSpec().getCompletions()).isEqualTo(5);
        assertThat(shards.getSpec().getParallelism()).isEqualTo(5);
        ConfigMap run = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .findFirst().orElseThrow();
        assertThat(run.getData()).containsEntry("SHARDS", "5");
        assertThat(only(shards.getSpec().getTemplate().getSpec()).getImage()).startsWith("realtime-harness:");
    }

    private static List<String> manifestFiles() throws IOException {
        try (Stream<Path> s = Files.list(K8S)) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml")).sorted().toList();
        }
    }

    private static String read(String file) throws IOException {
        return Files.readString(K8S.resolve(file));
    }

    private static Job job(String file) throws IOException {
        List<HasMetadata> objects = KubernetesManifests.validate(file, read(file));
        assertThat(objects).hasSize(1);
        return (Job) objects.get(0);
    }

    private static Map<String, String> runEnv() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(K8S.resolve("run.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                assertThat(eq).as("run.env: " + line).isPositive();
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static Container only(PodSpec pod) {
        assertThat(pod.getContainers()).hasSize(1);
        return pod.getContainers().get(0);
    }

    private static List<Container> containers(PodSpec pod) {
        List<Container> all = new ArrayList<>(pod.getInitContainers());
        all.addAll(pod.getContainers());
        return all;
    }

    /** Variables a container's command line expands: $(NAME) by Kubernetes, $NAME or ${NAME} by a shell. */
    private static Set<String> references(Container c) {
        Set<String> names = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("\\$(?:\\(([A-Z_][A-Z0-9_]*)\\)|\\{([A-Z_][A-Z0-9_]*)}|([A-Z_][A-Z0-9_]*))")
                .matcher(String.join(" ", c.getCommand()) + " " + String.join(" ", c.getArgs()));
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return names;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
