import { describe, expect, it } from 'vitest';
import { resolveSerialPath } from './usb-serial.js';

const ports = [
  { path: 'COM3', vendorId: '1A86', productId: '7523' }, // CH340 USB-serial (a printer)
  { path: 'COM7', vendorId: '0c2e', productId: '0b61', serialNumber: 'A1' }, // a Honeywell scanner in CDC mode
  { path: 'COM9', vendorId: '0C2E', productId: '0B61', serialNumber: 'B2' },
];

describe('serial port by USB ids', () => {
  it('follows the device to its new COM number', () => {
    const usb = { vendorId: '1a86', productId: '7523' };
    expect(resolveSerialPath({ path: 'COM4', usb }, ports)).toBe('COM3');
  });

  it('two of a kind: the serial number decides; without one, the saved path if it still matches', () => {
    const usb = { vendorId: '0c2e', productId: '0b61' };
    expect(resolveSerialPath({ path: 'COM5', usb: { ...usb, serialNumber: 'B2' } }, ports)).toBe('COM9');
    expect(resolveSerialPath({ path: 'COM9', usb }, ports)).toBe('COM9');
    expect(resolveSerialPath({ path: 'COM5', usb }, ports)).toBe('COM7');
  });

  it('not plugged in, or no USB ids saved: the saved path', () => {
    expect(resolveSerialPath({ path: 'COM4', usb: { vendorId: 'ffff', productId: '0001' } }, ports)).toBe(
      'COM4',
    );
    expect(resolveSerialPath({ path: '/dev/ttyS0' }, ports)).toBe('/dev/ttyS0');
  });
});
