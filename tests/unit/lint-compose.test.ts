import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lintCompose } from "../../lib/lint/compose";
import type { Diagnostic } from "../../lib/protocol";

const file = (...lines: string[]) => lines.join("\n") + "\n";

/** The diagnostics with this code, after checking that there is no other kind. */
function withCode(found: Diagnostic[], code: string): Diagnostic[] {
  const others = found.filter((d) => d.code !== code);
  assert.deepEqual(others, [], `only ${code} expected`);
  return found.filter((d) => d.code === code);
}

function one(content: string, code: string): Diagnostic {
  const found = withCode(lintCompose(content), code);
  assert.equal(found.length, 1, JSON.stringify(found, null, 2));
  return found[0]!;
}

const clean = (content: string) => assert.deepEqual(lintCompose(content), []);

describe("compose lint: a realistic file", () => {
  test("web + db with networks, volumes, secrets, healthcheck, depends_on condition, develop.watch and name: nothing to say", () => {
    clean(
      file(
        "name: shop",
        "x-defaults: &defaults",
        "  restart: unless-stopped",
        "services:",
        "  web:",
        "    <<: *defaults",
        "    build:",
        "      context: ./web",
        "      target: dev",
        "    image: registry.example.com/shop/web:1.0",
        "    ports:",
        '      - "8080:80"',
        '      - "127.0.0.1:9229:9229"',
        "      - target: 443",
        "        published: 8443",
        "    environment:",
        "      DATABASE_URL: postgres://db:5432/shop",
        "      PORT: ${WEB_PORT:-80}",
        "    networks: [front, back]",
        "    depends_on:",
        "      db:",
        "        condition: service_healthy",
        "    volumes:",
        "      - ./web/src:/app/src",
        "      - uploads:/app/uploads",
        "    secrets:",
        "      - db_password",
        "    develop:",
        "      watch:",
        "        - action: sync",
        "          path: ./web/src",
        "          target: /app/src",
        "        - action: rebuild",
        "          path: ./web/package.json",
        "  db:",
        "    <<: *defaults",
        "    image: postgres:16-alpine",
        "    environment:",
        "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
        "    networks:",
        "      back:",
        "        ipv4_address: 172.28.0.10",
        "    volumes:",
        "      - type: volume",
        "        source: pgdata",
        "        target: /var/lib/postgresql/data",
        "    secrets:",
        "      - source: db_password",
        "    healthcheck:",
        '      test: ["CMD-SHELL", "pg_isready -U postgres"]',
        "      interval: 5s",
        "      timeout: 3s",
        "      retries: 10",
        "networks:",
        "  front: {}",
        "  back:",
        "    ipam:",
        "      config:",
        "        - subnet: 172.28.0.0/16",
        "          gateway: 172.28.0.1",
        "volumes:",
        "  pgdata:",
        "  uploads:",
        "secrets:",
        "  db_password:",
        "    file: ./db_password.txt",
      ),
    );
  });

  test("the issue's example: an invalid subnet and an undeclared network, each on its line", () => {
    const found = lintCompose(
      file(
        "services:",
        "  app:",
        "    image: nginx",
        "    networks:",
        "      - backend",
        "      - frontend",
        "networks:",
        "  backend:",
        "    ipam:",
        "      config:",
        "        - subnet: 192.268.100.1/24",
      ),
    );
    assert.equal(found.length, 2, JSON.stringify(found, null, 2));
    const [network, subnet] = found;
    assert.equal(network!.line, 6);
    assert.equal(network!.code, "undeclared-network");
    assert.match(network!.message, /network `frontend`, which is not declared/);
    assert.match(network!.message, /top-level `networks:`/);
    assert.equal(subnet!.line, 11);
    assert.equal(subnet!.column, 19);
    assert.equal(subnet!.code, "invalid-subnet");
    assert.match(subnet!.message, /268 is not a valid octet \(0–255\)/);
  });
});

describe("compose lint: YAML", () => {
  test("a syntax error has a position and stops further checks", () => {
    const found = lintCompose(file("services:", "  web:", "    image: nginx", "    ports: [80", "  db:", "    image: Postgres"));
    assert.ok(found.length >= 1);
    assert.ok(found.every((d) => d.code?.startsWith("yaml-")), JSON.stringify(found));
    assert.ok(found.every((d) => d.line >= 4));
  });
  test("a duplicate key points at the second one", () => {
    const d = one(file("services:", "  web:", "    image: nginx", "    image: httpd"), "yaml-duplicate-key");
    assert.deepEqual([d.line, d.column, d.endColumn], [4, 5, 10]);
    assert.match(d.message, /Duplicate key `image`/);
  });
  test("an empty file is not an error", () => clean("# nothing yet\n"));
});

describe("compose lint: schema", () => {
  test("an unknown key, with the key meant", () => {
    const d = one(file("services:", "  web:", "    image: nginx", "    port:", '      - "8080:80"'), "unknown-key");
    assert.deepEqual([d.line, d.column, d.endColumn], [4, 5, 9]);
    assert.equal(d.message, "Unknown key `port` in service `web`. Did you mean `ports`?");
  });
  test("an unknown top-level key", () => {
    const d = one(file("service:", "  web:", "    image: nginx"), "unknown-key");
    assert.equal(d.line, 1);
    assert.match(d.message, /Did you mean `services`\?/);
  });
  test("a wrong type says what is expected, with an example", () => {
    const d = one(file("services:", "  web:", "    image: nginx", "    ports: 8080"), "wrong-type");
    assert.equal(d.line, 4);
    assert.match(d.message, /`ports` in service `web` must be a list, for example `ports: \["8080:80"\]`/);
  });
  test("a mistake inside one form of a value that takes several is reported there, alone", () => {
    const d = one(file("services:", "  web:", "    image: nginx", "    ports:", "      - target: 80", "        publishd: 8080"), "unknown-key");
    assert.equal(d.line, 6);
    assert.match(d.message, /Did you mean `published`\?/);
  });
  test("a value from an anchor is found through the alias and the merge key", () => {
    const d = one(file("x-base: &base", "  restart: always", "  prot: 1", "services:", "  web:", "    <<: *base", "    image: nginx"), "unknown-key");
    assert.equal(d.line, 3);
  });
  test("version is obsolete: a warning", () => {
    const d = one(file('version: "3.8"', "services:", "  web:", "    image: nginx"), "obsolete-version");
    assert.equal(d.severity, "warning");
    assert.equal(d.line, 1);
  });
});

describe("compose lint: addresses", () => {
  const network = (...config: string[]) =>
    file("services:", "  web:", "    image: nginx", "    networks: [back]", "networks:", "  back:", "    ipam:", "      config:", ...config);

  test("valid subnet, range and gateway, IPv4 and IPv6", () => {
    clean(network("        - subnet: 10.5.0.0/16", "          ip_range: 10.5.1.0/24", "          gateway: 10.5.0.1", "        - subnet: fd00:db8::/64", "          gateway: fd00:db8::1"));
  });
  test("an octet over 255", () => {
    const d = one(network("        - subnet: 192.268.100.1/24"), "invalid-subnet");
    assert.equal(d.line, 9);
    assert.match(d.message, /268 is not a valid octet \(0–255\)/);
    assert.match(d.message, /192\.168\.100\.0\/24/);
  });
  test("a prefix length out of range", () => {
    const d = one(network("        - subnet: 10.0.0.0/33"), "invalid-subnet");
    assert.match(d.message, /\/33 is not a valid prefix length: an IPv4 prefix is 0 to 32/);
  });
  test("host bits set: a warning with the network address", () => {
    const d = one(network("        - subnet: 10.0.0.1/24"), "subnet-host-bits");
    assert.equal(d.severity, "warning");
    assert.match(d.message, /write `10\.0\.0\.0\/24`/);
  });
  test("a gateway outside its subnet", () => {
    const d = one(network("        - subnet: 10.0.0.0/24", "          gateway: 10.0.1.1"), "gateway-outside-subnet");
    assert.equal(d.line, 10);
    assert.match(d.message, /`10\.0\.1\.1` .* not inside its subnet `10\.0\.0\.0\/24` \(10\.0\.0\.0 – 10\.0\.0\.255\)/);
  });
  test("a service's static address outside the network's subnet", () => {
    const content = file(
      "services:",
      "  web:",
      "    image: nginx",
      "    networks:",
      "      back:",
      "        ipv4_address: 10.0.1.5",
      "networks:",
      "  back:",
      "    ipam:",
      "      config:",
      "        - subnet: 10.0.0.0/24",
    );
    const d = one(content, "address-outside-subnet");
    assert.equal(d.line, 6);
    assert.match(d.message, /`10\.0\.0\.0\/24`/);
  });
});

describe("compose lint: references", () => {
  test("declared networks, list and map forms, and the default network", () => {
    clean(file("services:", "  a:", "    image: nginx", "    networks: [front, default]", "  b:", "    image: nginx", "    networks:", "      front:", "networks:", "  front:"));
  });
  test("an undeclared network, map form, with the declared one meant", () => {
    const d = one(file("services:", "  a:", "    image: nginx", "    networks:", "      frnt:", "networks:", "  front:"), "undeclared-network");
    assert.equal(d.line, 5);
    assert.match(d.message, /Did you mean `front`\?/);
  });
  test("bind mounts, anonymous volumes and declared volumes are fine", () => {
    clean(
      file(
        "services:",
        "  a:",
        "    image: nginx",
        "    volumes:",
        "      - ./html:/usr/share/nginx/html:ro",
        "      - /var/run/docker.sock:/var/run/docker.sock",
        "      - ~/cache:/cache",
        "      - /scratch",
        "      - data:/data",
        "      - type: bind",
        "        source: ./conf",
        "        target: /etc/nginx/conf.d",
        "volumes:",
        "  data:",
      ),
    );
  });
  test("an undeclared named volume, short and long syntax", () => {
    const found = withCode(
      lintCompose(file("services:", "  a:", "    image: nginx", "    volumes:", "      - data:/data", "      - type: volume", "        source: logs", "        target: /logs")),
      "undeclared-volume",
    );
    assert.deepEqual(found.map((d) => d.line), [5, 7]);
    assert.match(found[0]!.message, /volume `data`, which is not declared/);
    assert.match(found[0]!.message, /`volumes: \{ data: \{\} \}`/);
    assert.match(found[0]!.message, /`\.\/`/);
  });
  test("declared secrets and configs, short and long syntax", () => {
    clean(file("services:", "  a:", "    image: nginx", "    secrets: [key, { source: cert }]", "    configs: [conf]", "secrets:", "  key: { file: ./key }", "  cert: { file: ./cert }", "configs:", "  conf: { file: ./conf }"));
  });
  test("an undeclared secret, long syntax", () => {
    const d = one(file("services:", "  a:", "    image: nginx", "    secrets:", "      - source: db_pass", "        target: password", "secrets:", "  db_password:", "    file: ./pw"), "undeclared-secret");
    assert.equal(d.line, 5);
    assert.match(d.message, /secret `db_pass`, which is not declared\. Did you mean `db_password`\?/);
  });
  test("depends_on naming services that exist", () => {
    clean(file("services:", "  web:", "    image: nginx", "    depends_on: [db]", "  db:", "    image: postgres"));
  });
  test("depends_on naming an unknown service, list and map forms", () => {
    const found = withCode(
      lintCompose(file("services:", "  web:", "    image: nginx", "    depends_on: [dbb]", "  api:", "    image: nginx", "    depends_on:", "      cache:", "        condition: service_started", "  db:", "    image: postgres")),
      "unknown-service",
    );
    assert.deepEqual(found.map((d) => d.line), [4, 8]);
    assert.match(found[0]!.message, /depends on `dbb`, which is not a service in this file\. Did you mean `db`\?/);
  });
  test("a service depending on itself", () => {
    const d = one(file("services:", "  web:", "    image: nginx", "    depends_on:", "      - web"), "self-dependency");
    assert.equal(d.line, 5);
  });
  test("services depending on each other in a circle", () => {
    const d = one(file("services:", "  a:", "    image: nginx", "    depends_on: [b]", "  b:", "    image: nginx", "    depends_on: [a]"), "dependency-cycle");
    assert.match(d.message, /`a` → `b` → `a`/);
  });
  test("with include, names may come from other files", () => {
    clean(file("include:", "  - ./db/compose.yaml", "services:", "  web:", "    image: nginx", "    depends_on: [db]", "    networks: [back]"));
  });
});

describe("compose lint: host ports", () => {
  test("different ports, protocols and addresses do not clash", () => {
    clean(
      file(
        "services:",
        "  a:",
        "    image: nginx",
        '    ports: ["8080:80", "53:53/udp", "127.0.0.1:9000:9000", "3000"]',
        "  b:",
        "    image: nginx",
        '    ports: ["8081:80", "53:53/tcp", "127.0.0.2:9000:9000", "3000", "${PORT}:80"]',
      ),
    );
  });
  test("two services publishing the same host port", () => {
    const d = one(file("services:", "  a:", "    image: nginx", "    ports:", '      - "8080:80"', "  b:", "    image: nginx", "    ports:", '      - "8080:3000"'), "duplicate-host-port");
    assert.equal(d.line, 9);
    assert.match(d.message, /`a` \(line 5\) and `b` both publish host port 8080\/tcp/);
  });
  test("a range overlapping a long-syntax port", () => {
    const d = one(file("services:", "  a:", "    image: nginx", '    ports: ["8000-8005:8000-8005"]', "  b:", "    image: nginx", "    ports:", "      - target: 80", "        published: 8003"), "duplicate-host-port");
    assert.equal(d.line, 9);
    assert.match(d.message, /host port 8003\/tcp/);
  });
  test("one service publishing a port twice", () => {
    const d = one(file("services:", "  a:", "    image: nginx", '    ports: ["8080:80", "0.0.0.0:8080:81"]'), "duplicate-host-port");
    assert.match(d.message, /publishes host port 8080\/tcp twice/);
  });
  test("a port out of range", () => {
    const d = one(file("services:", "  a:", "    image: nginx", "    ports:", '      - "70000:80"'), "invalid-port");
    assert.equal(d.line, 5);
    assert.match(d.message, /70000 is out of range: ports go from 1 to 65535/);
  });
});

describe("compose lint: images", () => {
  test("valid references, and interpolated ones are left alone", () => {
    for (const image of ["nginx", "nginx:1.27-alpine", "library/nginx", "localhost:5000/app", "node1:5000/team/app:v2", "ghcr.io/org/app@sha256:" + "a".repeat(64), "${REGISTRY}/App:${TAG}"]) {
      clean(file("services:", "  a:", `    image: "${image}"`));
    }
  });
  for (const [image, reason] of [
    ["Nginx:latest", /lower-case: write `nginx:latest`/],
    ["my app", /space/],
    ["nginx::latest", /`::`/],
    ["nginx:v1+2", /the tag `v1\+2` is not valid/],
    ["nginx@sha256:abc", /digest/],
  ] as const) {
    test(`invalid: ${image}`, () => {
      const d = one(file("services:", "  web:", "    build: .", `    image: "${image}"`), "invalid-image");
      assert.equal(d.line, 4);
      assert.match(d.message, reason);
    });
  }
});

describe("compose lint: speed", () => {
  test("a 300-line file takes well under 50 ms once the schema is compiled", () => {
    const service = (i: number) => [
      `  web${i}:`,
      `    image: registry.example.com/web:${i}`,
      "    ports:",
      `      - "${10000 + i}:80"`,
      "    networks: [front]",
      "    depends_on:",
      `      db${i}:`,
      "        condition: service_healthy",
      "    volumes:",
      "      - ./src:/app/src",
      `  db${i}:`,
      "    image: postgres:16",
      "    volumes: [pgdata:/var/lib/postgresql/data]",
      "    healthcheck:",
      '      test: ["CMD", "pg_isready"]',
    ];
    const lines = ["services:", ...Array.from({ length: 20 }, (_, i) => service(i)).flat(), "networks:", "  front:", "volumes:", "  pgdata:"];
    assert.ok(lines.length >= 300);
    const content = file(...lines);
    assert.deepEqual(lintCompose(content), []);
    const times = Array.from({ length: 20 }, () => {
      const start = performance.now();
      lintCompose(content);
      return performance.now() - start;
    }).sort((a, b) => a - b);
    assert.ok(times[10]! < 50, `median ${times[10]} ms`);
  });
});
