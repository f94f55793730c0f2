import { Injectable } from '@nestjs/common';
import { ValidationException } from '@shared/errors/index.js';
import { AccessLogException, AccessLogExceptionCode } from '../domain/access-log.exception.js';
import {
  computeConsistencyProof,
  computeInclusionProof,
  mergePlans,
  nodeLookupFrom,
  planConsistency,
  planInclusion,
} from '../domain/merkle/index.js';
import { AccessLogReader } from '../domain/access-log-reader.port.js';

export interface InclusionProof {
  index: number;
  treeSize: number;
  /** base64 */
  leafHash: string;
  /** base64 hashes, leaf end first (RFC 9162 2.1.3.1) */
  auditPath: string[];
}

export interface ConsistencyProof {
  from: number;
  to: number;
  /** base64 hashes (RFC 9162 2.1.4.1) */
  proof: string[];
}

/**
 * RFC 9162 proofs from stored complete-subtree hashes: the head's size and the O(log n) nodes,
 * read together in one query. They reveal hashes only, so any authenticated partner may ask.
 */
@Injectable()
export class AccessLogProofs {
  constructor(private readonly repo: AccessLogReader) {}

  async inclusion(index: number, treeSize: number): Promise<InclusionProof> {
    const leafKey = { level: 0, index };
    // The nodes are fetched with the size (one round trip) and used only once it allows them.
    const { size, nodes } = await this.repo.sizeAndNodes(
      index < treeSize ? mergePlans([leafKey], planInclusion(index, treeSize)) : [],
    );
    if (index >= size)
      throw new AccessLogException(AccessLogExceptionCode.EntryNotFound, `The access log has no entry ${index}.`);
    if (treeSize > size)
      throw new ValidationException([{ field: 'treeSize', message: `must be at most the log's size (${size})` }]);
    if (index >= treeSize)
      throw new ValidationException([
        { field: 'treeSize', message: `must be greater than the entry's index (${index})` },
      ]);
    const lookup = nodeLookupFrom(nodes);
    return {
      index,
      treeSize,
      leafHash: lookup(leafKey).toString('base64'),
      auditPath: computeInclusionProof(index, treeSize, lookup).map((h) => h.toString('base64')),
    };
  }

  async consistency(from: number, to: number): Promise<ConsistencyProof> {
    if (from < 1)
      throw new ValidationException([
        { field: 'from', message: 'must be at least 1 (no proof relates the empty tree)' },
      ]);
    if (from > to) throw new ValidationException([{ field: 'from', message: 'must not be greater than to' }]);
    const { size, nodes } = await this.repo.sizeAndNodes(planConsistency(from, to));
    if (to > size)
      throw new ValidationException([{ field: 'to', message: `must be at most the log's size (${size})` }]);
    const lookup = nodeLookupFrom(nodes);
    return { from, to, proof: computeConsistencyProof(from, to, lookup).map((h) => h.toString('base64')) };
  }
}
