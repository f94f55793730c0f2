import { TestGateway } from '../setup/test-app.js';

describe('GET /health', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.close());

  it('is 200 with a real database check and needs no token', async () => {
    const res = await gw.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.database.status).toBe('up');
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('lists organisations for a signed call', async () => {
    const res = await gw.call('GET', '/organisations', { org: gw.orgs['police-cleveland'], roles: ['iom-officer'] });
    expect(res.status).toBe(200);
    expect(res.body.map((o: { id: string }) => o.id)).toContain('police-cleveland');
  });
});
