/**
 * Docker's getting-started workshop, its commands typed as printed, on a
 * playground with no internet: `git clone` of its app (the playground's
 * stand-in, sandbox/node/apps/getting-started-app), part 1's Dockerfile with
 * its syntax line, part 2's update, part 3's push and run in a second
 * session, part 5's volume, part 6's dev container with a bind mount and
 * `yarn run dev`, part 7's MySQL on a network (with nicolaka/netshoot), part
 * 8's compose file and the best practices' Dockerfile. Packages come from the
 * playground's npm cache, seeded at setup.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";

describe("Docker's getting-started workshop, offline", () => {
  let server: TestServer;
  let mine: SessionView;
  let theirs: SessionView;
  const user = `workshop${randomBytes(3).toString("hex")}`;
  const app = "cd /root/getting-started-app";
  const sh = (session: SessionView, script: string) => server.exec(session.id, ["sh", "-c", script]);
  /** Retries a command for up to 50 s, for something that is starting. */
  const until = (session: SessionView, command: string) =>
    sh(session, `for i in $(seq 1 250); do ${command} && exit 0; sleep 0.2; done; ${command}`);
  const ok = (r: { exitCode: number; stdout: string; stderr: string }) => assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
  /** Waits until LOGS (a command printing a container's log) shows TEXT; fails with the log's end. */
  const logShows = async (logs: string, text: string) => {
    const r = await until(mine, `${logs} 2>&1 | grep -q '${text}'`);
    if (r.exitCode !== 0) assert.fail(`no "${text}" in the log:\n${(await sh(mine, `${logs} 2>&1 | tail -n 30`)).stdout}`);
  };

  before(async () => {
    server = await startServer();
    [mine, theirs] = await Promise.all([server.readySession(), server.readySession()]);
  });
  after(async () => {
    await server?.destroy();
  });

  test("part 1: git clone the app, write the Dockerfile, build, run, and the page answers", async () => {
    const clone = await sh(mine, "cd /root && git clone https://github.com/docker/getting-started-app.git 2>&1 && ls getting-started-app");
    ok(clone);
    assert.match(clone.stdout, /^package\.json$/m);
    assert.match(clone.stdout, /^yarn\.lock$/m);
    ok(
      await sh(
        mine,
        `${app} && cat > Dockerfile <<'EOF'
# syntax=docker/dockerfile:1

FROM node:24-alpine
WORKDIR /app
COPY . .
RUN npm install --omit=dev
CMD ["node", "src/index.js"]
EXPOSE 3000
EOF`,
      ),
    );
    const build = await sh(mine, `${app} && docker build -t getting-started . 2>&1`);
    ok(build);
    ok(await sh(mine, "docker run -d -p 127.0.0.1:3000:3000 getting-started"));
    ok(await until(mine, "curl -sf http://127.0.0.1:3000/ | grep -q '<title>Todo App</title>'"));
    const added = await sh(mine, `curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"Buy milk"}' http://127.0.0.1:3000/items`);
    ok(added);
    assert.match(added.stdout, /"name":"Buy milk","completed":false/);
  });

  test("part 2: update the source, rebuild; the old container holds the port until it is removed", async () => {
    ok(await sh(mine, `${app} && sed -i 's/No items yet! Add one above!/You have no todo items yet! Add one above!/' src/static/js/app.js`));
    ok(await sh(mine, `${app} && docker build -t getting-started . 2>&1`));
    const clash = await sh(mine, "docker run -dp 127.0.0.1:3000:3000 getting-started 2>&1");
    assert.notEqual(clash.exitCode, 0);
    assert.match(clash.stdout, /port is already allocated/);
    const ps = await sh(mine, "docker ps -q --filter publish=3000");
    const old = ps.stdout.trim().split("\n")[0]!;
    assert.ok(old, ps.stdout);
    ok(await sh(mine, `docker stop ${old} && docker rm ${old}`));
    // The failed run left a created container behind, as on a laptop.
    ok(await sh(mine, "docker container prune -f >/dev/null && docker run -dp 127.0.0.1:3000:3000 getting-started"));
    ok(await until(mine, "curl -sf http://127.0.0.1:3000/js/app.js | grep -q 'You have no todo items yet! Add one above!'"));
  });

  test("part 3: docker login, tag and push; another session runs the image from the hub", async () => {
    const push = await sh(
      mine,
      `printf 'workshop-pass' | docker login -u ${user} --password-stdin 2>&1 && docker tag getting-started ${user}/getting-started && docker push ${user}/getting-started 2>&1`,
    );
    ok(push);
    assert.match(push.stdout, /latest: digest: sha256:/);
    ok(await sh(theirs, `docker run -dp 0.0.0.0:3000:3000 ${user}/getting-started 2>&1`));
    ok(await until(theirs, "curl -sf http://127.0.0.1:3000/js/app.js | grep -q 'You have no todo items yet!'"));
  });

  test("part 5: a named volume keeps the todo list across containers", async () => {
    ok(await sh(mine, "docker rm -f $(docker ps -q --filter publish=3000) && docker volume create todo-db"));
    const run = "docker run -dp 127.0.0.1:3000:3000 --mount type=volume,src=todo-db,target=/etc/todos getting-started";
    ok(await sh(mine, run));
    ok(await until(mine, `curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"Kept in a volume"}' http://127.0.0.1:3000/items`));
    ok(await sh(mine, `docker rm -f $(docker ps -q --filter publish=3000) && ${run}`));
    ok(await until(mine, "curl -sf http://127.0.0.1:3000/items | grep -q 'Kept in a volume'"));
    const inspect = await sh(mine, "docker volume inspect todo-db");
    assert.match(inspect.stdout, /"Mountpoint": "\/var\/lib\/docker\/volumes\/todo-db\/_data"/);
    ok(await sh(mine, "docker rm -f $(docker ps -q --filter publish=3000)"));
  });

  test("part 6: a dev container with a bind mount: yarn install && yarn run dev, and edits reach it", async () => {
    const run = await sh(
      mine,
      `${app} && docker run -dp 127.0.0.1:3000:3000 -w /app --mount type=bind,src="$(pwd)",target=/app node:18-alpine sh -c "yarn install && yarn run dev"`,
    );
    ok(run);
    const dev = run.stdout.trim();
    await logShows(`docker logs ${dev}`, "Listening on port 3000");
    const logs = await sh(mine, `docker logs ${dev} 2>&1`);
    assert.match(logs.stdout, /nodemon/);
    assert.match(logs.stdout, /Using sqlite database at \/etc\/todos\/todo\.db/);
    ok(await sh(mine, `${app} && sed -i "s/Add Item/Add/" src/static/js/app.js`));
    ok(await until(mine, `curl -sf http://127.0.0.1:3000/js/app.js | grep -q 'ADD_LABEL = "Add";'`));
    // nodemon restarts the server when the code changes.
    ok(await sh(mine, `${app} && touch src/index.js`));
    ok(await until(mine, `[ "$(docker logs ${dev} 2>&1 | grep -c 'Listening on port 3000')" -ge 2 ]`));
    ok(await sh(mine, `docker rm -f ${dev}`));
  });

  test("part 7: MySQL on a network, found by its alias; the app stores its items there", async () => {
    const mysql = await sh(
      mine,
      "docker network create todo-app >/dev/null && docker run -d --network todo-app --network-alias mysql -v todo-mysql-data:/var/lib/mysql -e MYSQL_ROOT_PASSWORD=secret -e MYSQL_DATABASE=todos mysql:8.0",
    );
    ok(mysql);
    const db = mysql.stdout.trim();
    ok(await until(mine, `docker exec ${db} mysql -u root -psecret -e 'SHOW DATABASES' 2>/dev/null | grep -q todos`));
    const dig = await sh(mine, "docker run --rm --network todo-app nicolaka/netshoot dig +short mysql");
    ok(dig);
    assert.match(dig.stdout.trim(), /^\d+\.\d+\.\d+\.\d+$/);
    const run = await sh(
      mine,
      `${app} && docker run -dp 127.0.0.1:3000:3000 -w /app -v "$(pwd):/app" --network todo-app -e MYSQL_HOST=mysql -e MYSQL_USER=root -e MYSQL_PASSWORD=secret -e MYSQL_DB=todos node:18-alpine sh -c "yarn install && yarn run dev"`,
    );
    ok(run);
    const dev = run.stdout.trim();
    await logShows(`docker logs ${dev}`, "Listening on port 3000");
    assert.match((await sh(mine, `docker logs ${dev} 2>&1`)).stdout, /Connected to mysql db at host mysql/);
    ok(await sh(mine, `curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"Stored in MySQL"}' http://127.0.0.1:3000/items`));
    const rows = await sh(mine, `docker exec ${db} mysql -u root -psecret todos -e 'select * from todo_items' 2>/dev/null`);
    assert.match(rows.stdout, /Stored in MySQL/);
    ok(await sh(mine, `docker rm -f ${dev} ${db} >/dev/null`));
  });

  test("part 8: the same two containers from the workshop's compose.yaml", async () => {
    ok(
      await sh(
        mine,
        `${app} && cat > compose.yaml <<'EOF'
services:
  app:
    image: node:18-alpine
    command: sh -c "yarn install && yarn run dev"
    ports:
      - 127.0.0.1:3000:3000
    working_dir: /app
    volumes:
      - ./:/app
    environment:
      MYSQL_HOST: mysql
      MYSQL_USER: root
      MYSQL_PASSWORD: secret
      MYSQL_DB: todos

  mysql:
    image: mysql:8.0
    volumes:
      - todo-mysql-data:/var/lib/mysql
    environment:
      MYSQL_ROOT_PASSWORD: secret
      MYSQL_DATABASE: todos

volumes:
  todo-mysql-data:
EOF`,
      ),
    );
    ok(await sh(mine, `${app} && docker compose up -d 2>&1`));
    await logShows(`${app} && docker compose logs app`, "Listening on port 3000");
    assert.match((await sh(mine, `${app} && docker compose logs app 2>&1`)).stdout, /Connected to mysql db at host mysql/);
    ok(await until(mine, `curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"From compose"}' http://127.0.0.1:3000/items`));
    assert.match((await sh(mine, "curl -sf http://127.0.0.1:3000/items")).stdout, /From compose/);
    const down = await sh(mine, `${app} && docker compose down 2>&1 && docker ps -q | wc -l`);
    ok(down);
    assert.match(down.stdout, /^0$/m);
  });

  test("image-building best practices: dependencies in their own layer, cached when only the code changes", async () => {
    ok(
      await sh(
        mine,
        `${app} && cat > Dockerfile <<'EOF'
# syntax=docker/dockerfile:1
FROM node:lts-alpine
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --production
COPY . .
CMD ["node", "src/index.js"]
EOF
printf 'node_modules\\n' > .dockerignore`,
      ),
    );
    ok(await sh(mine, `${app} && docker build -t getting-started . 2>&1`));
    ok(await sh(mine, `${app} && sed -i 's/<title>Todo App</<title>My Todo App</' src/static/index.html`));
    const again = await sh(mine, `${app} && docker build --progress=plain -t getting-started . 2>&1`);
    ok(again);
    assert.match(again.stdout, /RUN yarn install --production\n#\d+ CACHED/);
    const history = await sh(mine, "docker image history getting-started");
    ok(history);
    assert.match(history.stdout, /yarn install --production/);
    ok(await sh(mine, "docker run -dp 127.0.0.1:3000:3000 getting-started"));
    ok(await until(mine, "curl -sf http://127.0.0.1:3000/ | grep -q '<title>My Todo App</title>'"));
  });
});
