// Resolves the dependencies a POM declares, and theirs in turn, to the jars of
// Debian's Maven repository (/usr/share/maven-repo), the way Maven resolves
// them from a remote repository: nearest first, compile and runtime scopes,
// exclusions honoured, optional dependencies of dependencies left out. Prints
// the classpath (jars joined with ':'); says on stderr where Debian has
// another version than the one declared.
//
//   java DebianClasspath.java [--repo DIR]... [--compile] [--provided] [--list] POM
//
// --repo: a Maven repository searched before /usr/share/maven-repo (e.g. one
// holding the client's own jar and POM); --compile: the compile classpath
// (runtime dependencies left out), else the run-time one; --provided adds the
// POM's own provided dependencies (what building the POM's project needs
// beside what its users get); --list names each jar on stderr.
//
// Run as a single-file program (java 11+), so the build and the test of the
// Java client need nothing but a JDK and Debian's jars. A dependency of the
// POM itself that Debian does not have is an error (exit 1); one further
// down is reported and skipped, as Debian's own POMs name a few annotation
// jars that are not packaged and that nothing needs at run time.
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

public final class DebianClasspath {
  record Dependency(String group, String artifact, String version, String scope,
      boolean optional, Set<String> exclusions) {
    String key() { return group + ":" + artifact; }
  }

  record Pending(Dependency dependency, Set<String> exclusions, boolean direct) {}

  private static final Path DEBIAN_REPO = Paths.get("/usr/share/maven-repo");
  private static final List<Path> repos = new ArrayList<>();
  private static boolean compileOnly = false;

  public static void main(String[] args) throws Exception {
    boolean list = false;
    boolean provided = false;
    Path pom = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repo" -> repos.add(Paths.get(args[++i]));
        case "--compile" -> compileOnly = true;
        case "--list" -> list = true;
        case "--provided" -> provided = true;
        default -> pom = Paths.get(args[i]);
      }
    }
    if (pom == null) {
      System.err.println(
          "usage: java DebianClasspath.java [--repo DIR]... [--compile] [--provided] [--list] POM");
      System.exit(2);
    }
    repos.add(DEBIAN_REPO);
    Deque<Pending> queue = new ArrayDeque<>();
    for (Dependency d : dependencies(pom)) {
      if (inClasspath(d.scope()) || (provided && d.scope().equals("provided"))) queue.add(new Pending(d, d.exclusions(), true));
    }
    Set<String> seen = new LinkedHashSet<>();
    Set<Path> jars = new LinkedHashSet<>();
    boolean failed = false;
    while (!queue.isEmpty()) {
      Pending p = queue.removeFirst();
      Dependency d = p.dependency();
      if (!seen.add(d.key())) continue;  // nearest wins
      Path dir = resolveVersionDir(d);
      if (dir == null) {
        if (p.direct()) {
          System.err.println("DebianClasspath: " + d.key() + ":" + d.version()
              + " is not in " + repos + " (install its Debian package)");
          failed = true;
        } else if (list) {
          System.err.println("DebianClasspath: note: skipping " + d.key()
              + ", not packaged in " + repos);
        }
        continue;
      }
      String version = dir.getFileName().toString();
      Path jar = dir.resolve(d.artifact() + "-" + version + ".jar");
      Path depPom = dir.resolve(d.artifact() + "-" + version + ".pom");
      if (!Files.exists(jar)) {
        // A POM-only artifact (a parent or a BOM) adds no jar.
        if (p.direct() && !Files.exists(depPom)) failed = true;
      } else {
        Path real = jar.toRealPath();
        if (p.direct() && !version.equals(d.version())) {
          System.err.println("DebianClasspath: note: " + d.key() + ":" + d.version()
              + " -> Debian's " + real.getFileName());
        }
        jars.add(real);
        if (list) System.err.println(d.key() + ":" + d.version() + " (" + d.scope() + ") " + real);
      }
      if (!Files.exists(depPom)) continue;
      for (Dependency next : dependencies(depPom)) {
        if (!inClasspath(next.scope()) || next.optional()) continue;
        if (excluded(p.exclusions(), next)) continue;
        Set<String> exclusions = new LinkedHashSet<>(p.exclusions());
        exclusions.addAll(next.exclusions());
        queue.add(new Pending(next, exclusions, false));
      }
    }
    if (failed) System.exit(1);
    List<String> paths = new ArrayList<>();
    for (Path jar : jars) paths.add(jar.toString());
    System.out.println(String.join(":", paths));
  }

  private static boolean inClasspath(String scope) {
    return scope.equals("compile") || (!compileOnly && scope.equals("runtime"));
  }

  private static boolean excluded(Set<String> exclusions, Dependency d) {
    return exclusions.contains(d.key()) || exclusions.contains(d.group() + ":*")
        || exclusions.contains("*:*");
  }

  /** The first repository's that has the artifact. */
  private static Path resolveVersionDir(Dependency d) throws Exception {
    for (Path repo : repos) {
      Path dir = resolveVersionDir(repo, d);
      if (dir != null) return dir;
    }
    return null;
  }

  /** The declared version's directory, else Debian's "debian" one, else the only one. */
  private static Path resolveVersionDir(Path repo, Dependency d) throws Exception {
    Path base = repo.resolve(d.group().replace('.', '/')).resolve(d.artifact());
    if (!Files.isDirectory(base)) return null;
    String version = d.version().replaceAll("[\\[\\]()]", "");
    if (!version.isEmpty() && !version.contains("$") && Files.isDirectory(base.resolve(version))) {
      return base.resolve(version);
    }
    if (Files.isDirectory(base.resolve("debian"))) return base.resolve("debian");
    try (Stream<Path> versions = Files.list(base)) {
      List<Path> dirs = versions.filter(Files::isDirectory).toList();
      return dirs.size() == 1 ? dirs.get(0) : null;
    }
  }

  /** project/dependencies/dependency of a POM (not dependencyManagement). */
  private static List<Dependency> dependencies(Path pom) throws Exception {
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(pom.toFile()).getDocumentElement();
    // ${name} in versions: the POM's own <properties> and project.version.
    Map<String, String> properties = new HashMap<>();
    properties.put("project.version", text(project, "version", ""));
    Element props = child(project, "properties");
    if (props != null) {
      for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) properties.put(e.getTagName(), e.getTextContent().trim());
      }
    }
    List<Dependency> result = new ArrayList<>();
    Element deps = child(project, "dependencies");
    if (deps == null) return result;
    for (Element d : children(deps, "dependency")) {
      String type = text(d, "type", "jar");
      if (!type.equals("jar")) continue;
      Set<String> exclusions = new LinkedHashSet<>();
      Element ex = child(d, "exclusions");
      if (ex != null) {
        for (Element e : children(ex, "exclusion")) {
          exclusions.add(text(e, "groupId", "*") + ":" + text(e, "artifactId", "*"));
        }
      }
      result.add(new Dependency(text(d, "groupId", ""), text(d, "artifactId", ""),
          interpolate(text(d, "version", ""), properties), text(d, "scope", "compile"),
          Boolean.parseBoolean(text(d, "optional", "false")), exclusions));
    }
    return result;
  }

  private static String interpolate(String value, Map<String, String> properties) {
    Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(properties.getOrDefault(m.group(1), m.group())));
    }
    return m.appendTail(out).toString();
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) found.add(e);
    }
    return found;
  }

  private static String text(Element parent, String name, String otherwise) {
    Element e = child(parent, name);
    return e == null ? otherwise : e.getTextContent().trim();
  }
}
