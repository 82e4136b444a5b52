import { describe, expect, it } from 'vitest';
import { compileWhere, WhereError } from './where.ts';

const contact = {
  Name: 'Smith AND Sons',
  EmailAddress: 'Orders@Smith.example',
  ContactStatus: 'ACTIVE',
  ContactID: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  Balance: 120,
  UpdatedDateUTC: '/Date(1763856000000+0000)/',
  Contact: { ContactID: 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE' },
};

describe('when a where filter is applied to a record', () => {
  it.each([
    ['Name=="Smith AND Sons"', true],
    ['Name == "Smith AND Sons" AND ContactStatus == "ACTIVE"', true],
    ['Name=="Other" OR ContactStatus=="ACTIVE"', true],
    ['Name=="Other" && ContactStatus=="ACTIVE"', false],
    ['EmailAddress.ToLower()=="orders@smith.example"', true],
    ['EmailAddress=="orders@smith.example"', false],
    ['Name.Contains("Sons")', true],
    ['Name.StartsWith("Sons")', false],
    ['EmailAddress!=null', true],
    ['Website==null', true],
    ['Balance>=100', true],
    ['Balance<100', false],
    ['ContactID==Guid("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0")', true],
    ['Contact.ContactID=="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"', true],
    ['UpdatedDateUTC>=DateTime(2025,11,23)', true],
    ['UpdatedDateUTC>DateTime(2025,11,24)', false],
  ])('%s matches: %s', (expression, expected) => {
    expect(compileWhere(expression)(contact)).toBe(expected);
  });

  it('refuses a clause it cannot read instead of matching everything', () => {
    expect(() => compileWhere('Name LIKE "Smith%"')).toThrow(WhereError);
  });
});
