# Sourced by ./qualisys, scripts/test and .ci/run: selects a JDK >= 21 for the build.
# The code targets Java 21 (the Lambda runtime); any newer JDK builds it. JAVA_HOME wins if it
# already points at one; otherwise the newest JDK under /usr/lib/jvm (or on the PATH) is used.
# A JDK's release file names its version, so no JVM is started to ask (each start costs 50-80 ms, and
# this runs before every qualisys command); a JDK without one is asked.
qualisys_java_major() {
  local major=""
  [ -f "$1/release" ] && major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  [ -n "$major" ] || major=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)
  echo "$major"
}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(qualisys_java_major "$JAVA_HOME")" -lt 21 ]; then
  best=""; best_major=0
  for candidate in /usr/lib/jvm/* /opt/java/* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(qualisys_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=$candidate; best_major=$major; fi
  done
  if [ -z "$best" ]; then
    echo "qualisys: no JDK >= 21 found (looked in /usr/lib/jvm, /opt/java and the PATH); install one or set JAVA_HOME" >&2
    exit 1
  fi
  export JAVA_HOME="$best"
fi
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.9's Guice warns about sun.misc.Unsafe on JDK 24+; the flag silences it there only.
if [ "$(qualisys_java_major "$JAVA_HOME")" -ge 24 ]; then
  case "${MAVEN_OPTS:-}" in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
fi
