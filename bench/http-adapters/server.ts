// Child process of the HTTP adapter benchmark: a minimal NestJS app on one platform.
//   node dist/bench/http-adapters/server.js <fastify|express|node> <port>
// `node` is a control without Nest (plain node:http with the same two routes), to show the
// ceiling of the machine and of the load generator.
import 'reflect-metadata';
import http from 'node:http';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Controller()
class BenchController {
  @Get('hello')
  hello() {
    return { ok: true };
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown) {
    return body;
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

const [adapter = 'fastify', portArg = process.env.PORT ?? '3000'] = process.argv.slice(2);
const port = Number(portArg);
const host = '127.0.0.1';

async function startNest(kind: 'fastify' | 'express'): Promise<() => Promise<void>> {
  const common = { logger: false as const, forceCloseConnections: true };
  let app;
  if (kind === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(BenchModule, new FastifyAdapter(), common);
  } else {
    const { ExpressAdapter } = await import('@nestjs/platform-express');
    app = await NestFactory.create(BenchModule, new ExpressAdapter(), common);
  }
  await app.listen(port, host);
  return () => app.close();
}

function startRawNode(): Promise<() => Promise<void>> {
  const hello = Buffer.from(JSON.stringify({ ok: true }));
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/hello') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': hello.length });
      res.end(hello);
    } else if (req.method === 'POST' && req.url === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let out: Buffer;
        try {
          out = Buffer.from(JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': out.length });
        res.end(out);
      });
    } else {
      res.writeHead(404).end();
    }
  });
  server.keepAliveTimeout = 72_000; // as Fastify's default
  return new Promise((resolve) =>
    server.listen(port, host, () =>
      resolve(
        () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      ),
    ),
  );
}

let close: (() => Promise<void>) | undefined;
const shutdown = async () => {
  try {
    await close?.();
  } finally {
    process.exit(0);
  }
};
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

if (adapter === 'fastify' || adapter === 'express') close = await startNest(adapter);
else if (adapter === 'node') close = await startRawNode();
else {
  console.error(`unknown adapter ${adapter}; expected fastify, express or node`);
  process.exit(2);
}
