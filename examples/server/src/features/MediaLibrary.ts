import { chunkKey, collectGarbage, createDigest, parseManifest, putBlob, readBlob, type ChunkStore, type Manifest } from '@chorus/cdc';
import type { Attachment } from '@chorus/wire';
import { ServiceError } from '../errors.js';
import { Permission, has } from '../permissions.js';
import type { Caller, Service } from '../Service.js';
import type { Channel } from '../Store.js';
import type { FeatureStore, MediaRecord } from './FeatureStore.js';
import { AVATAR_TYPES, cleanFilename, sniffContentType } from './sniff.js';

/** Limits of uploads. */
export interface MediaLimits {
  /** Largest file, bytes. @defaultValue 26214400 (25 MiB) */
  fileBytes: number;
  /** Total bytes of the files one user has uploaded. @defaultValue 1073741824 (1 GiB) */
  userBytes: number;
  /** Largest avatar, bytes. @defaultValue 2097152 */
  avatarBytes: number;
}

/** Defaults of {@link MediaLimits}. */
export const DEFAULT_MEDIA_LIMITS: MediaLimits = { fileBytes: 25 << 20, userBytes: 1 << 30, avatarBytes: 2 << 20 };

/** Options of {@link MediaLibrary}. */
export interface MediaLibraryOptions {
  service: Service;
  store: FeatureStore;
  /** Where chunks go: `FsChunkStore` under the data directory, or a `MemoryChunkStore`. */
  chunks: ChunkStore;
  /** Overrides of {@link DEFAULT_MEDIA_LIMITS}. */
  limits?: Partial<MediaLimits>;
  /** Average chunk size. @defaultValue 65536 */
  avgChunkBytes?: number;
  /** How long an upload may wait to be attached before garbage collection may take it, ms. @defaultValue 86400000 */
  graceMs?: number;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
}

/** What clients see of a file: its record without the manifest. */
export type MediaInfo = Omit<MediaRecord, 'manifest'>;

/** What {@link MediaLibrary.collectGarbage} did. */
export interface MediaGarbageReport {
  /** File records removed (nothing used them and their grace time was over). */
  files: number;
  /** Chunks deleted. */
  chunksRemoved: number;
  /** Chunks kept (referenced by a live file). */
  chunksKept: number;
}

const info = (m: MediaRecord): MediaInfo => ({ id: m.id, ownerId: m.ownerId, contentType: m.contentType, filename: m.filename, size: m.size, digest: m.digest, createdAt: m.createdAt });
const notFound = (): ServiceError => new ServiceError('not_found', 'media does not exist or you cannot see it');

/**
 * Uploads, downloads, avatars and attachments, with every file stored through @chorus/cdc:
 * files are cut into content-defined chunks in one chunk store for the whole service, so a file
 * uploaded twice, or a lightly edited copy, costs only its new chunks. Metadata (sniffed type,
 * size, digest, manifest) lives in the {@link FeatureStore}. A file is readable by its owner,
 * by anyone who may read history in a channel where it is attached, and (avatars) by anyone who
 * may see the owner's profile. Browser-safe: the chunk store is injected.
 *
 * @example
 * ```ts
 * const media = new MediaLibrary({ service, store: store.features, chunks: new MemoryChunkStore() });
 * const file = await media.upload(caller, [bytes], bytes.length, 'photo.png');
 * ```
 */
export class MediaLibrary {
  /** The limits in force. */
  readonly limits: MediaLimits;
  private readonly service: Service;
  private readonly store: FeatureStore;
  private readonly chunks: ChunkStore;
  private readonly avgSize: number;
  private readonly graceMs: number;
  private readonly now: () => number;
  // Uploads and garbage collection exclude each other: chunks of an upload whose record is not
  // written yet look unreferenced.
  private uploading = 0;
  private drained: (() => void) | undefined;
  private collecting: Promise<unknown> | undefined;

  /**
   * @param options - service, stores, limits, clock
   */
  constructor(options: MediaLibraryOptions) {
    this.service = options.service;
    this.store = options.store;
    this.chunks = options.chunks;
    this.limits = { ...DEFAULT_MEDIA_LIMITS, ...options.limits };
    this.avgSize = options.avgChunkBytes ?? 65_536;
    this.graceMs = options.graceMs ?? 86_400_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Stores a file. The declared size is checked against the per-file and per-user limits before
   * a byte is read, and the bytes are counted as they arrive: a client that sends more than it
   * declared is cut off.
   *
   * @param caller - the uploader
   * @param source - the bytes
   * @param declaredSize - what the client says it sends (Content-Length)
   * @param filename - the client's file name (cleaned, shown only)
   * @returns the file's metadata
   * @throws ServiceError `payload_too_large` (file), `limit_reached` (user quota), `validation` (empty or size mismatch)
   */
  async upload(caller: Caller, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, declaredSize: number, filename: string): Promise<MediaInfo> {
    if (!Number.isSafeInteger(declaredSize) || declaredSize < 1) throw new ServiceError('validation', 'send the file with a Content-Length of at least 1 byte');
    if (declaredSize > this.limits.fileBytes) throw new ServiceError('payload_too_large', `a file may be at most ${this.limits.fileBytes} bytes; this one is ${declaredSize}`);
    const used = await this.store.mediaBytesOf(caller.userId);
    if (used + declaredSize > this.limits.userBytes) {
      throw new ServiceError('limit_reached', `your files would take ${used + declaredSize} bytes, over your quota of ${this.limits.userBytes}; delete messages with attachments first`);
    }
    while (this.collecting) await this.collecting;
    this.uploading++;
    try {
      const head = new Uint8Array(512);
      let headLength = 0;
      let seen = 0;
      const max = declaredSize;
      const counted = async function* (): AsyncGenerator<Uint8Array> {
        for await (const part of source) {
          seen += part.length;
          if (seen > max) throw new ServiceError('validation', `the body is longer than its declared ${max} bytes`);
          if (headLength < head.length) {
            const take = part.subarray(0, head.length - headLength);
            head.set(take, headLength);
            headLength += take.length;
          }
          yield part;
        }
      };
      const manifest = await putBlob(this.chunks, counted(), { avgSize: this.avgSize });
      if (manifest.size !== declaredSize) throw new ServiceError('validation', `the body ended after ${manifest.size} of its declared ${declaredSize} bytes`);
      // Uploads running side by side each passed the first check; the second one keeps the quota.
      const now = await this.store.mediaBytesOf(caller.userId);
      if (now + manifest.size > this.limits.userBytes) throw new ServiceError('limit_reached', `your files would take ${now + manifest.size} bytes, over your quota of ${this.limits.userBytes}`);
      const record: MediaRecord = {
        id: this.service.newId(),
        ownerId: caller.userId,
        contentType: sniffContentType(head.subarray(0, headLength)),
        filename: cleanFilename(filename),
        size: manifest.size,
        digest: manifest.digest,
        manifest: JSON.stringify(manifest),
        createdAt: this.now(),
      };
      await this.store.createMedia(record);
      return info(record);
    } finally {
      if (--this.uploading === 0) this.drained?.();
    }
  }

  private async readable(caller: Caller, m: MediaRecord): Promise<boolean> {
    if (m.ownerId === caller.userId) return true;
    if ((await this.store.getAvatar(m.ownerId)) === m.id) {
      try {
        await this.service.profile(caller, m.ownerId);
        return true;
      } catch {
        return false;
      }
    }
    for (const ref of await this.store.attachmentsOf(m.id)) {
      if (has((await this.service.access(caller.userId, ref.channelId)).bits, Permission.ViewChannel | Permission.ReadHistory)) return true;
    }
    return false;
  }

  /**
   * A file's metadata, if the caller may read it.
   * @param caller - who
   * @param mediaId - which file
   * @returns its metadata
   * @throws ServiceError `not_found` when missing or not readable by the caller
   */
  async info(caller: Caller, mediaId: string): Promise<MediaInfo> {
    return info(await this.record(caller, mediaId));
  }

  private async record(caller: Caller, mediaId: string): Promise<MediaRecord> {
    const m = await this.store.getMedia(mediaId);
    if (!m || !(await this.readable(caller, m))) throw notFound();
    return m;
  }

  /**
   * Opens a file for reading, whole or a byte range; every chunk is verified against its digest.
   * @param caller - who
   * @param mediaId - which file
   * @returns its metadata and a reader of `[start, end]` (inclusive, like HTTP ranges)
   * @throws ServiceError `not_found` when missing or not readable by the caller
   */
  async open(caller: Caller, mediaId: string): Promise<{ media: MediaInfo; read(start?: number, end?: number): AsyncGenerator<Uint8Array> }> {
    return this.reader(await this.record(caller, mediaId));
  }

  /**
   * Opens a file for a request that carries a valid signed link ({@link MediaLinks.verify}):
   * the link is the permission, so no caller is checked.
   * @param mediaId - which file
   * @returns as {@link MediaLibrary.open}
   * @throws ServiceError `not_found` when the file is gone
   */
  async openLinked(mediaId: string): Promise<{ media: MediaInfo; read(start?: number, end?: number): AsyncGenerator<Uint8Array> }> {
    const m = await this.store.getMedia(mediaId);
    if (!m) throw notFound();
    return this.reader(m);
  }

  private reader(m: MediaRecord): { media: MediaInfo; read(start?: number, end?: number): AsyncGenerator<Uint8Array> } {
    const manifest = parseManifest(m.manifest);
    return { media: info(m), read: (start = 0, end = m.size - 1) => this.readRange(manifest, start, end) };
  }

  private async *readRange(manifest: Manifest, start: number, end: number): AsyncGenerator<Uint8Array> {
    if (start === 0 && end === manifest.size - 1) {
      yield* readBlob(this.chunks, manifest);
      return;
    }
    const digest = await createDigest(manifest.digestAlgorithm);
    let offset = 0;
    for (const c of manifest.chunks) {
      const from = offset;
      offset += c.length;
      if (offset <= start) continue;
      if (from > end) break;
      const bytes = await this.chunks.get(chunkKey(manifest.digestAlgorithm, c.digest));
      if (!bytes || bytes.length !== c.length || digest.hashHex(bytes) !== c.digest) throw new ServiceError('internal', 'a stored chunk of this file is missing or corrupt');
      yield bytes.subarray(Math.max(0, start - from), Math.min(c.length, end - from + 1));
    }
  }

  /**
   * Sets (or with null clears) the caller's avatar: one of their own image files.
   * @param caller - who
   * @param mediaId - an image the caller uploaded, or null
   * @returns the avatar's metadata, or null
   * @throws ServiceError `not_found` (not the caller's file), `unsupported_media_type` (not an image), `payload_too_large`
   */
  async setAvatar(caller: Caller, mediaId: string | null): Promise<MediaInfo | null> {
    if (mediaId === null) {
      await this.store.setAvatar(caller.userId, null);
      return null;
    }
    const m = await this.store.getMedia(mediaId);
    if (!m || m.ownerId !== caller.userId) throw notFound();
    if (!AVATAR_TYPES.includes(m.contentType)) throw new ServiceError('unsupported_media_type', `an avatar must be an image (${AVATAR_TYPES.join(', ')}); this file is ${m.contentType}`);
    if (m.size > this.limits.avatarBytes) throw new ServiceError('payload_too_large', `an avatar may be at most ${this.limits.avatarBytes} bytes`);
    await this.store.setAvatar(caller.userId, mediaId);
    return info(m);
  }

  /**
   * A user's avatar, if the caller may see their profile.
   * @param caller - who asks
   * @param userId - whose
   * @returns the avatar's metadata, or null when they have none
   * @throws ServiceError `not_found` when the profile is not visible
   */
  async avatarOf(caller: Caller, userId: string): Promise<MediaInfo | null> {
    await this.service.profile(caller, userId);
    const id = await this.store.getAvatar(userId);
    const m = id === null ? undefined : await this.store.getMedia(id);
    return m ? info(m) : null;
  }

  /**
   * Checks and records the files of a new message (the `beforeSend` hook): each must be the
   * author's own upload.
   * @param caller - the author
   * @param channel - where the message goes
   * @param messageId - its id
   * @param ids - media ids, at most 10
   * @returns the attachments as the message carries them
   * @throws ServiceError `not_found` for a file that is not the caller's
   */
  async attach(caller: Caller, channel: Channel, messageId: string, ids: readonly string[]): Promise<Attachment[]> {
    const unique = [...new Set(ids)];
    const out: Attachment[] = [];
    for (const id of unique) {
      const m = await this.store.getMedia(id);
      if (!m || m.ownerId !== caller.userId) throw new ServiceError('not_found', `attachment ${id} does not exist or is not yours; upload it first with POST /media`);
      out.push({ id: m.id, filename: m.filename, contentType: m.contentType, size: m.size });
    }
    if (unique.length > 0) await this.store.attach(unique.map((mediaId) => ({ mediaId, channelId: channel.id, messageId })));
    return out;
  }

  /**
   * Removes files nothing uses any more (no existing message, no avatar, older than the grace
   * time), then every chunk no remaining file references. Uploads wait while it runs.
   * @returns what was removed
   */
  async collectGarbage(): Promise<MediaGarbageReport> {
    while (this.collecting) await this.collecting;
    const run = (async (): Promise<MediaGarbageReport> => {
      if (this.uploading > 0) await new Promise<void>((ok) => (this.drained = ok));
      this.drained = undefined;
      const { removed, live } = await this.store.sweepMedia(this.now() - this.graceMs);
      const report = await collectGarbage(this.chunks, live.map((m) => parseManifest(m.manifest)));
      return { files: removed, chunksRemoved: report.removed, chunksKept: report.kept };
    })();
    this.collecting = run;
    try {
      return await run;
    } finally {
      this.collecting = undefined;
    }
  }
}
