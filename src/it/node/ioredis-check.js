// Drives a Vermilion node or cluster with ioredis and exits non-zero on any wrong answer.
//   node ioredis-check.js standalone <port>
//   node ioredis-check.js cluster <port>
const Redis = require('ioredis');
const [mode, port] = process.argv.slice(2);

function check(cond, what) {
  if (!cond) { console.error('FAILED: ' + what); process.exit(1); }
}

async function standalone() {
  const r = new Redis({ host: '127.0.0.1', port: Number(port), lazyConnect: true });
  await r.connect();
  check(await r.set('io:k', 'v') === 'OK', 'SET');
  check(await r.get('io:k') === 'v', 'GET');
  check(await r.incr('io:n') === 1, 'INCR');
  const p = r.pipeline();
  for (let i = 0; i < 500; i++) p.set('io:p' + i, String(i));
  for (let i = 0; i < 500; i++) p.get('io:p' + i);
  const res = await p.exec();
  check(res.length === 1000 && res[999][1] === '499' && res.every(([e]) => e === null), 'pipeline');
  check(await r.del('io:k', 'io:n') === 2, 'DEL');
  await r.quit();
  console.log('OK standalone');
}

async function cluster() {
  const c = new Redis.Cluster([{ host: '127.0.0.1', port: Number(port) }], { redisOptions: { connectTimeout: 5000 } });
  for (let i = 0; i < 2000; i++) await c.set('io:' + i, String(i));
  for (let i = 0; i < 2000; i++) check(await c.get('io:' + i) === String(i), 'GET io:' + i);
  check(await c.mset('{t}a', '1', '{t}b', '2') === 'OK', 'MSET same slot');
  check(JSON.stringify(await c.mget('{t}a', '{t}b')) === '["1","2"]', 'MGET same slot');
  check(c.nodes('master').length === 3, 'three masters');
  await c.quit();
  console.log('OK cluster');
}

(mode === 'cluster' ? cluster() : standalone()).catch(e => { console.error('FAILED: ' + e); process.exit(1); });
