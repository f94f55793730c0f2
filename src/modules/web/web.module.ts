import { Module } from '@nestjs/common';
import { LandingController } from './http/landing.controller.js';

/** Pages for people in the look of GOV.UK services, rendered on the server (see README, "Pages"). */
@Module({ controllers: [LandingController] })
export class WebModule {}
