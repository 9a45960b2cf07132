// Drives the two-validator network of ../test-network.sh with @polkadot/api,
// as a chain's users would. Exits 0 only if every check holds.
//
//   node network.mjs drive ALICE_WS BOB_WS PROOF_20  -> JSON facts on stdout
//   node network.mjs synced ALICE_WS BOB_WS AFTER    -> bob finalizes past AFTER, on alice's chain
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { readFileSync } from 'node:fs';

const TIMEOUT_MS = 120_000;

function fail(message) {
  console.error(`network: FAILED: ${message}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
  console.error(`network: ok: ${message}`);
}

function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const providers = new Map();

async function connect(url) {
  const provider = new WsProvider(url);
  const api = await within(30_000, ApiPromise.create({ provider, noInitWarn: true }), `connect ${url}`);
  providers.set(api, provider);
  return api;
}

// A method @polkadot/api has no type for, such as the pallet's `ligerito_*`.
function rpc(api, method, ...params) {
  return providers.get(api).send(method, params);
}

// Signs and submits `tx`, resolves once its block is finalized with what
// happened to it: its block, events, dispatch error (by name) and fee.
function submit(api, tx, signer, label) {
  return within(TIMEOUT_MS, new Promise((resolve, reject) => {
    let unsub = () => {};
    tx.signAndSend(signer, (result) => {
      const { status, events, dispatchError } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsub();
        reject(new Error(`${label}: ${status.type}`));
      }
      if (status.isInBlock) console.error(`network: ${label} in block ${status.asInBlock.toHex()}`);
      if (!status.isFinalized) return;
      unsub();
      let error = null;
      if (dispatchError) {
        if (dispatchError.isModule) {
          const meta = api.registry.findMetaError(dispatchError.asModule);
          error = `${meta.section}.${meta.name}`;
        } else {
          error = dispatchError.toString();
        }
      }
      const paid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
      resolve({
        label,
        block: status.asFinalized.toHex(),
        events: events.map(({ event }) => `${event.section}.${event.method}`),
        verified: events.find(({ event }) => api.events.ligerito.ProofVerified.is(event))?.event.data,
        error,
        fee: paid ? paid.event.data.actualFee.toBigInt() : 0n,
        feePayer: paid ? paid.event.data.who.toString() : null,
      });
    }).then((u) => { unsub = u; }, reject);
  }), label);
}

async function finalizedNumber(api) {
  const head = await api.rpc.chain.getFinalizedHead();
  return (await api.rpc.chain.getHeader(head)).number.toNumber();
}

async function waitFor(what, predicate) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  fail(`timed out waiting for ${what}`);
}

// Both nodes hold the same block, with the same state root, at alice's
// finalized height, once bob has finalized it too.
async function sameFinalized(alice, bob) {
  const head = await alice.rpc.chain.getFinalizedHead();
  const header = await alice.rpc.chain.getHeader(head);
  const number = header.number.toNumber();
  await waitFor(`bob to finalize #${number}`, async () => (await finalizedNumber(bob)) >= number);
  const bobHash = await bob.rpc.chain.getBlockHash(number);
  const bobHeader = await bob.rpc.chain.getHeader(bobHash);
  check(bobHash.eq(head), `bob's finalized chain holds alice's finalized #${number} ${head.toHex()}`);
  check(bobHeader.stateRoot.eq(header.stateRoot), `same state root at #${number}: ${header.stateRoot.toHex()}`);
  return { number, hash: head.toHex(), stateRoot: header.stateRoot.toHex() };
}

async function drive(aliceUrl, bobUrl, proofPath) {
  const [alice, bob] = [await connect(aliceUrl), await connect(bobUrl)];
  const spec = alice.runtimeVersion.specName.toString();
  check(spec === 'ligerito-substrate', `alice runs runtime ${spec} v${alice.runtimeVersion.specVersion}`);
  check(typeof alice.tx.ligerito?.verify === 'function', 'the metadata has ligerito.verify');
  check(alice.events.ligerito?.ProofVerified !== undefined, 'the metadata has ligerito.ProofVerified');
  const names = ['Alice', 'Bob', 'Charlie', 'Dave'];
  const keyring = new Keyring({ type: 'sr25519' });
  const [a, b, c, d] = names.map((n) => keyring.addFromUri(`//${n}`));
  const free = async (who) => (await alice.query.system.account(who.address)).data.free.toBigInt();
  const before = await Promise.all([a, b, c, d].map(free));

  // Proofs go in as hex: @polkadot/api reads a Uint8Array given for `Bytes`
  // as SCALE-encoded (length first), a hex string as the bytes themselves.
  const bytes = readFileSync(proofPath);
  const valid = `0x${bytes.toString('hex')}`;
  bytes[bytes.length >> 1] ^= 1;
  const flipped = `0x${bytes.toString('hex')}`;
  const dry = await rpc(alice, 'ligerito_dryRun', 20, flipped);
  check(dry.error !== null && dry.commitment === null, `a dry run refuses the flipped proof: ${dry.error}`);

  // The flipped proof claims the valid one's commitment: the guest runs and
  // refuses it, whoever records that commitment later.
  const bad = await submit(alice, alice.tx.ligerito.verify(20, flipped), b, 'flipped bit (bob)');
  const author = async (hash) => {
    const authors = await alice.query.aura.authorities.at(hash);
    const slot = (await alice.rpc.chain.getHeader(hash)).digest.logs
      .find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura').asPreRuntime[1];
    const index = Number(alice.createType('u64', slot).toBigInt() % BigInt(authors.length));
    return Buffer.from(authors[index].toU8a()).equals(Buffer.from(a.publicKey)) ? 'alice' : 'bob';
  };
  // Submitted just after bob authored a block, the verify lands in alice's
  // next one, which bob then imports from the network: the import timed below.
  await within(TIMEOUT_MS, new Promise((resolve) => {
    let seen = false;
    const unsub = alice.rpc.chain.subscribeNewHeads(async (head) => {
      if (!seen && (await author(head.hash)) === 'bob') {
        seen = true;
        (await unsub)();
        resolve();
      }
    });
  }), 'a block authored by bob');
  const first = await submit(alice, alice.tx.ligerito.verify(20, valid), a, 'valid 2^20 proof (alice)');
  check(first.error === null && first.verified !== undefined,
    `${first.label}: ligerito.ProofVerified (events ${first.events.join(' ')}; error ${first.error})`);
  const commitment = first.verified.commitment.toHex();
  check(first.verified.who.toString() === a.address, `ProofVerified names alice; commitment ${commitment}`);

  // Records are per account: alice's own proof again is AlreadyVerified,
  // while charlie's copy of it (a front-run, had it come first) is recorded for charlie.
  const [again, copy, unsupported] = await Promise.all([
    submit(alice, alice.tx.ligerito.verify(20, valid), a, 'same proof again (alice)'),
    submit(alice, alice.tx.ligerito.verify(20, valid), c, 'same proof, another account (charlie)'),
    submit(alice, alice.tx.ligerito.verify(13, valid), d, 'unsupported size 2^13 (dave)'),
  ]);
  check(copy.error === null && copy.verified?.who.toString() === c.address
    && copy.verified.commitment.toHex() === commitment, `${copy.label}: ligerito.ProofVerified names charlie`);
  const expected = [[bad, `ligerito.${dry.error}`], [again, 'ligerito.AlreadyVerified'], [unsupported, 'ligerito.UnsupportedSize']];
  for (const [outcome, error] of expected) {
    check(outcome.events.includes('system.ExtrinsicFailed') && outcome.error === error, `${outcome.label}: system.ExtrinsicFailed ${outcome.error}`);
  }
  const signed = [[first, a], [bad, b], [again, a], [copy, c], [unsupported, d]];
  const outcomes = signed.map(([o]) => o);
  const after = await Promise.all([a, b, c, d].map(free));
  [a, b, c, d].forEach((signer, i) => {
    const own = signed.filter(([, s]) => s === signer).map(([o]) => o);
    const fees = own.reduce((sum, o) => sum + o.fee, 0n);
    check(own.every((o) => o.fee > 0n && o.feePayer === signer.address) && before[i] - after[i] === fees,
      `${names[i]} paid fees of ${fees} for ${own.map((o) => o.label).join(', ')}`);
  });

  const header = async (api, hash) => (await api.rpc.chain.getHeader(hash)).number.toNumber();
  const block = await header(alice, first.block);
  const fromAlice = await rpc(alice, 'ligerito_verified', commitment, a.address);
  const fromBob = await rpc(bob, 'ligerito_verified', commitment, a.address);
  check(fromBob !== null && JSON.stringify(fromBob) === JSON.stringify(fromAlice) && fromBob.block === block,
    `bob's ligerito_verified gives alice's record: ${JSON.stringify(fromBob)}`);
  const verifiers = (await rpc(bob, 'ligerito_verifiers', commitment)).map((v) => v.who).sort();
  check(JSON.stringify(verifiers) === JSON.stringify([a.address, c.address].sort()),
    `bob's ligerito_verifiers lists alice and charlie: ${verifiers.join(', ')}`);
  // How many such verifies a block holds: each is charged its size's whole
  // gas limit before dispatch, and the block's normal class has a weight and
  // a length limit.
  const sample = await alice.tx.ligerito.verify(20, valid).signAsync(a);
  const info = await alice.tx.ligerito.verify(20, valid).paymentInfo(a);
  const weights = alice.consts.system.blockWeights;
  const normal = weights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
  const perVerify = info.weight.refTime.toBigInt() + weights.perClass.normal.baseExtrinsic.refTime.toBigInt();
  const maxLength = alice.consts.system.blockLength.max.normal.toNumber();
  const finalized = await sameFinalized(alice, bob);
  const facts = {
    perBlock: {
      byWeight: Number(normal / perVerify),
      byLength: Math.floor(maxLength / sample.encodedLength),
      weightMs: Number(perVerify) / 1e9,
      length: sample.encodedLength,
    },
    finalized,
    validBlock: block,
    validAuthor: await author(first.block),
    gas: Number(first.verified.gasUsed.toBigInt()),
    outcomes: outcomes.map((o) => ({ label: o.label, error: o.error, fee: o.fee.toString() })),
  };
  console.log(JSON.stringify(facts));
  await Promise.all([alice.disconnect(), bob.disconnect()]);
}

async function synced(aliceUrl, bobUrl, after) {
  const [alice, bob] = [await connect(aliceUrl), await connect(bobUrl)];
  await waitFor(`alice to finalize past #${after}`, async () => (await finalizedNumber(alice)) > after);
  const finalized = await sameFinalized(alice, bob);
  check(finalized.number > after, `bob finalizes again with alice, past #${after}`);
  console.log(JSON.stringify(finalized));
  await Promise.all([alice.disconnect(), bob.disconnect()]);
}

const [command, ...args] = process.argv.slice(2);
const commands = { drive, synced: (a, b, n) => synced(a, b, Number(n)) };
if (!commands[command]) fail(`usage: network.mjs drive ALICE BOB PROOF | synced ALICE BOB AFTER`);
commands[command](...args).catch((e) => fail(e.stack ?? e));
