import { describe, it } from 'node:test';
import { expect } from 'expect';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { NewPassword } from './validation';

// @nestjs/swagger's metadata key for a property's schema (its constants are not exported).
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

class PasswordDto {
  @NewPassword('Difference-Engine-1822')
  newPassword: string;
}

const errorsOf = (body: Record<string, unknown>) =>
  validateSync(plainToInstance(PasswordDto, body)).map((e) => e.constraints);

describe('NewPassword', () => {
  it('takes any string of up to 256 characters, leaving the policy to the service', () => {
    expect(errorsOf({ newPassword: 'short' })).toEqual([]);
    expect(errorsOf({ newPassword: 'x'.repeat(256) })).toEqual([]);
  });

  it('refuses what is not a string, or longer, with the length rule reported first', () => {
    expect(errorsOf({ newPassword: 'x'.repeat(257) })).toEqual([
      { maxLength: 'newPassword must be shorter than or equal to 256 characters' },
    ]);
    const [notString] = errorsOf({ newPassword: 42 });
    expect(Object.keys(notString!)).toEqual(['maxLength', 'isString']);
    expect(notString!.isString).toBe('newPassword must be a string');
    expect(errorsOf({})).toHaveLength(1);
  });

  it('documents the policy and the example', () => {
    expect(Reflect.getMetadata(API_MODEL_PROPERTIES, PasswordDto.prototype, 'newPassword')).toMatchObject({
      description: expect.stringMatching(/^At least PASSWORD_MIN_LENGTH characters and at most 72 bytes/),
      example: 'Difference-Engine-1822',
    });
  });
});
