// The test image, built offline from Debian's busybox-static: the sample
// rootfs (bundles/busybox/rootfs, made by bundles/make-rootfs.sh) as one
// uncompressed layer. Two forms: a plain rootfs tar (`podman import`) and an
// OCI image layout tarball (`ctr image import`), written by hand: layer,
// config, manifest, index.json, oci-layout.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOTFS } from '../harness';

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** a tar of the busybox rootfs (root-owned, reproducible order) at `file` */
export function rootfsTar(file: string): string {
  if (!fs.existsSync(path.join(ROOTFS, 'bin', 'busybox'))) throw new Error(`no busybox rootfs at ${ROOTFS}: run make rootfs`);
  sh('tar', ['-C', fs.realpathSync(ROOTFS), '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-cf', file, '.']);
  return file;
}

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * An OCI image layout tarball holding `ref` (e.g. docker.io/library/bbx:test),
 * for `ctr image import`. `work` is a scratch directory.
 */
export function ociArchive(work: string, ref: string): string {
  const layout = path.join(work, 'oci');
  const blobs = path.join(layout, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => {
    const d = sha256(data);
    fs.writeFileSync(path.join(blobs, d), data);
    return { digest: `sha256:${d}`, size: data.length };
  };
  const layer = fs.readFileSync(rootfsTar(path.join(work, 'layer.tar')));
  const l = put(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [l.digest] },
      history: [{ created_by: 'runts tests: busybox-static rootfs' }],
    }),
  );
  const c = put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l }],
    }),
  );
  const m = put(manifest);
  fs.writeFileSync(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...m,
          annotations: { 'io.containerd.image.name': ref, 'org.opencontainers.image.ref.name': ref.replace(/.*:/, '') },
        },
      ],
    }),
  );
  fs.writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const out = path.join(work, 'image.oci.tar');
  sh('tar', ['-C', layout, '-cf', out, 'oci-layout', 'index.json', 'blobs']);
  return out;
}
