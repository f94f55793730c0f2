import { existsSync } from 'node:fs';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '@config/app.config.js';
import { Ed25519NoteSigner, newEd25519Seed } from '../domain/note/index.js';

/**
 * The log's note key: LOG_NOTE_KEY, or `<dataDir>/keys/log-note.key`, created on first start.
 * Its name must be the origin (witnesses find a log's key by the checkpoint's origin line), so a
 * key made for another origin stops the gateway instead of signing checkpoints nobody can check.
 */
export async function loadLogNoteSigner(
  config: Pick<AppConfig, 'logNoteKey' | 'logOrigin' | 'dataDir'>,
): Promise<Ed25519NoteSigner> {
  let text = config.logNoteKey;
  if (!text) {
    const file = path.join(config.dataDir, 'keys', 'log-note.key');
    if (!existsSync(file)) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // Written whole to a temporary file, then linked into place, which fails if the key exists:
      // instances sharing DATA_DIR and starting together end up reading one complete key.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, new Ed25519NoteSigner(config.logOrigin, newEd25519Seed()).privateKeyText + '\n', {
        mode: 0o600,
      });
      await link(tmp, file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      await unlink(tmp);
    }
    text = (await readFile(file, 'utf8')).trim();
  }
  const signer = Ed25519NoteSigner.fromPrivateKeyText(text);
  if (signer.name !== config.logOrigin) {
    throw new Error(
      `the log note key is named "${signer.name}" but LOG_ORIGIN is "${config.logOrigin}": set LOG_NOTE_KEY for this origin or move the old key aside`,
    );
  }
  return signer;
}
