import { Controller, Get, Header, Query as Q, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@shared/auth/decorators.js';
import { ApiPublicRoute, ApiSignedRoute } from '@shared/http/api-problems.js';
import { CheckpointQuery } from './access-log.params.js';
import { queryRefusal } from '@shared/http/consumes.js';
import { LogNotes } from './application/log-notes.js';
import { LogTiles } from './application/log-tiles.js';
import { WitnessCoordinator } from './application/witness-coordinator.js';
import { AccessLogException, AccessLogExceptionCode } from './domain/access-log.exception.js';
import { parseTilePath, TILE_WIDTH } from './domain/note/index.js';

interface Reply {
  header(name: string, value: string): Reply;
}

/**
 * The access log in the C2SP formats (signed-note, tlog-checkpoint, tlog-tiles). Checkpoints,
 * the key and hash tiles hold hashes only and are public, so witnesses and monitors need no
 * account. Entry bundles (tile/entries/...) hold personal data and are not served.
 */
@ApiTags('log')
@Controller('log')
export class LogController {
  constructor(
    private readonly notes: LogNotes,
    private readonly tiles: LogTiles,
    private readonly witnessing: WitnessCoordinator,
  ) {}

  @Get('key')
  @Public()
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: "The log's note verifier key, <name>+<hex key id>+<base64(0x01 || Ed25519 key)> (public)" })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The verifier key line', schema: { type: 'string' } })
  @ApiPublicRoute()
  key(): string {
    return this.notes.verifierKey + '\n';
  }

  @Get('checkpoint')
  @Public()
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache, max-age=0')
  @ApiOperation({
    summary:
      'The latest checkpoint as a C2SP signed note; with witnesses configured, the latest one WITNESS_QUORUM of them cosigned, with their cosignatures. ?size=N: the latest such checkpoint of at most N entries (public)',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'A C2SP checkpoint signed note', schema: { type: 'string' } })
  @ApiPublicRoute(400, 503)
  checkpoint(@Q() { size }: CheckpointQuery): Promise<string> {
    return this.notes.latest(size === undefined ? undefined : Number(size));
  }

  @Get('tile/*')
  @Public()
  @ApiOperation({
    summary: 'C2SP tlog-tiles hash tile <L>/<N>[.p/<W>] (public, immutable); entry bundles are not served',
  })
  @ApiParam({
    name: 'path',
    description: '<L>/<N>[.p/<W>], with N in the x-prefixed three-digit groups of C2SP tlog-tiles',
    example: '0/x001/234',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The hash tile: W hashes of 32 bytes', schema: { type: 'string', format: 'binary' } })
  @ApiPublicRoute(400, 404, 503)
  async tile(@Req() req: { url: string }, @Res({ passthrough: true }) reply: Reply): Promise<Buffer> {
    // A tile is named by its path alone: a query is refused as on every route that takes none.
    const query = queryRefusal(req.url);
    if (query) throw query;
    // Tile paths are ASCII digits, x, dots and slashes: nothing to decode, so a percent sign fails the parse.
    const path = new URL(req.url, 'http://x').pathname.replace(/^\/log\/tile\//, '');
    const ref = parseTilePath(path);
    if (!ref)
      throw new AccessLogException(
        AccessLogExceptionCode.TileNotFound,
        path.startsWith('entries/')
          ? 'Entry bundles hold personal data and are not served.'
          : 'Not a tile path <L>/<N>[.p/<W>].',
      );
    const bytes = await this.tiles.tile(ref);
    reply.header('content-type', 'application/octet-stream');
    // Full tiles never change; a partial tile's bytes never change either, but clients should move to the full tile.
    reply.header(
      'cache-control',
      ref.width === TILE_WIDTH ? 'public, max-age=31536000, immutable' : 'public, max-age=60',
    );
    return bytes;
  }

  @Get('witnesses')
  @Roles('ig-reviewer', 'gateway-admin')
  @ApiOperation({
    summary:
      "The log's witnesses, the size each last cosigned, the last answer of each, and alerts of a possible fork (ig-reviewer, gateway-admin)",
  })
  @ApiOkResponse({ description: '{ origin, quorum, witnesses: [...], alerts: [...] }' })
  @ApiSignedRoute(403)
  witnesses(): ReturnType<WitnessCoordinator['status']> {
    return this.witnessing.status();
  }
}
